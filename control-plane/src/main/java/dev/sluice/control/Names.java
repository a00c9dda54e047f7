package dev.sluice.control;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.id.ResourceKind;

/** Name rules shared by every resource: unique per account, and never shaped like an id. */
public final class Names
{
    private Names() {}

    public static void checkNotIdShaped(ResourceKind kind, String name)
    {
        if (kind.isId(name)) {
            throw SluiceException.invalid("name", "must not have the form of a " + kind.displayName() + " id");
        }
    }

    public static SluiceException taken(ResourceKind kind, String name)
    {
        return new SluiceException(ErrorCode.NAME_TAKEN, "a " + kind.displayName() + " named '" + name + "' already exists",
                java.util.List.of(new SluiceException.FieldError("name", "already taken")), null);
    }

    /** Runs a write that may hit the (account, name) unique constraint, and reports it as a taken name. */
    public static <T> T unique(ResourceKind kind, String name, java.util.function.Supplier<T> write)
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
