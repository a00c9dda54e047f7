package dev.sluice.control.auth;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.store.token.Scope;
import jakarta.ws.rs.core.SecurityContext;

/** Scope checks for resources: each method names the scope its operation needs. */
public final class Callers
{
    private Callers() {}

    public static Caller.Operator operator(SecurityContext security)
    {
        if (caller(security) instanceof Caller.Operator operator) {
            return operator;
        }
        throw new SluiceException(ErrorCode.OPERATOR_ONLY, "only the operator token may manage accounts");
    }

    /** The account caller, if its token carries {@code scope}; {@code manage} implies {@code read}. */
    public static Caller.AccountToken require(SecurityContext security, Scope scope)
    {
        Caller caller = caller(security);
        if (!(caller instanceof Caller.AccountToken token)) {
            throw new SluiceException(ErrorCode.INSUFFICIENT_SCOPE, "the operator token cannot act inside an account; use an account's API token");
        }
        boolean allowed = token.scopes().contains(scope) || (scope == Scope.READ && token.scopes().contains(Scope.MANAGE));
        if (!allowed) {
            throw new SluiceException(ErrorCode.INSUFFICIENT_SCOPE, "this token lacks the '" + scope.value() + "' scope");
        }
        return token;
    }

    public static Caller.AccountToken manage(SecurityContext security)
    {
        return require(security, Scope.MANAGE);
    }

    public static Caller.AccountToken read(SecurityContext security)
    {
        return require(security, Scope.READ);
    }

    public static Caller.AccountToken consume(SecurityContext security)
    {
        return require(security, Scope.CONSUME);
    }

    private static Caller caller(SecurityContext security)
    {
        if (security == null || !(security.getUserPrincipal() instanceof Caller caller)) {
            throw new SluiceException(ErrorCode.UNAUTHENTICATED, "authentication required");
        }
        return caller;
    }
}
