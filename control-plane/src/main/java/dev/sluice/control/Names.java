package dev.sluice.control;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.id.ResourceKind;

import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Name rules shared by every resource: the spec's pattern, unique per account, and never shaped like an id. */
public final class Names
{
    /** As openapi.yaml's Name says; checked here too, so callers other than the API (the console) meet the same rule. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private Names() {}

    public static void check(ResourceKind kind, String name)
    {
        if (!NAME.matcher(name).matches()) {
            throw SluiceException.invalid("name", "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (kind.isId(name)) {
            throw SluiceException.invalid("name", "must not have the form of a " + kind.displayName() + " id");
        }
        // /v1/consumers/validate is an endpoint of its own: a consumer of that name could not be read, changed or deleted by name
        if (kind == ResourceKind.CONSUMER && name.equals("validate")) {
            throw SluiceException.invalid("name", "'validate' is reserved for consumers (POST /v1/consumers/validate checks a definition); choose another name");
        }
    }

    public static SluiceException taken(ResourceKind kind, String name)
    {
        return new SluiceException(ErrorCode.NAME_TAKEN, "a " + kind.displayName() + " named '" + name + "' already exists",
                List.of(new SluiceException.FieldError("name", "already taken")), null);
    }

    /** Runs a write that may hit the (account, name) unique constraint, and reports it as a taken name. */
    public static <T> T unique(ResourceKind kind, String name, Supplier<T> write)
    {
        try {
            return write.get();
        }
        catch (RuntimeException e) {
            if (StoreErrors.isUniqueViolation(e)) {
                throw taken(kind, name);
            }
            throw e;
        }
    }
}
