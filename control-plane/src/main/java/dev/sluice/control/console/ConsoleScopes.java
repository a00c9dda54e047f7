package dev.sluice.control.console;

import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.store.token.Scope;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the console offers a token: its pages need {@code read} (or {@code manage}, which implies it), its
 * buttons and forms {@code manage}. An action the token may not run is not shown, rather than answering 403.
 */
record ConsoleScopes(boolean canRead, boolean canManage)
{
    static ConsoleScopes of(Caller.AccountToken caller)
    {
        boolean manage = caller.scopes().contains(Scope.MANAGE);
        return new ConsoleScopes(manage || caller.scopes().contains(Scope.READ), manage);
    }

    /** The scopes of the caller of the page being rendered. */
    static ConsoleScopes current()
    {
        return of(Callers.account());
    }

    static String describe(Caller.AccountToken caller)
    {
        return caller.scopes().stream().map(Scope::value).sorted().collect(Collectors.joining(", "));
    }

    /** For templates: {@code can.manage} and {@code can.read}. */
    Map<String, Object> model()
    {
        return Map.of("read", canRead, "manage", canManage);
    }
}
