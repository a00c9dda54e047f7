package dev.sluice.control;

import dev.sluice.core.error.SluiceException;
import dev.sluice.core.id.ResourceKind;

import java.util.Optional;
import java.util.function.Function;

/**
 * Finds a resource named in a path by id or by name. Anything of another account is simply not found:
 * a 404, never a 403 that would tell it exists.
 */
public final class Lookup
{
    private Lookup() {}

    public static <T> T find(ResourceKind kind, String idOrName, Function<String, Optional<T>> byId, Function<String, Optional<T>> byName)
    {
        Optional<T> found = kind.isId(idOrName) ? byId.apply(idOrName) : byName.apply(idOrName);
        return found.orElseThrow(() -> SluiceException.notFound(kind.displayName(), idOrName));
    }

    public static int limit(Integer limit)
    {
        return limit == null ? 50 : limit;
    }

    public static String after(String after)
    {
        return after == null ? "" : after;
    }
}
