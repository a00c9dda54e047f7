package dev.sluice.control.auth;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.store.token.Scope;
import org.slf4j.MDC;

import java.util.Optional;

/**
 * The caller of the request being served, and scope checks for resources: each method names the scope
 * its operation needs. Jersey serves a request's filters and resource method on one thread, so the
 * authentication filter hands the caller over in a thread-local that it sets (or clears) on every request.
 */
public final class Callers
{
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<ConsoleSession> SESSION = new ThreadLocal<>();

    private Callers() {}

    static void set(Caller caller)
    {
        CURRENT.set(caller);
        if (caller instanceof Caller.AccountToken token) {
            // every log line written while serving the request names its account
            MDC.put("account", token.accountId().value());
        }
    }

    static void set(Caller caller, ConsoleSession session)
    {
        set(caller);
        SESSION.set(session);
    }

    /** The caller of the request this thread serves, if it authenticated. */
    public static Optional<Caller> current()
    {
        return Optional.ofNullable(CURRENT.get());
    }

    /** The console session the request came with; console pages only. */
    public static ConsoleSession session()
    {
        ConsoleSession session = SESSION.get();
        if (session == null) {
            throw new SluiceException(ErrorCode.UNAUTHENTICATED, "log in to the console first");
        }
        return session;
    }

    static void clear()
    {
        CURRENT.remove();
        SESSION.remove();
        MDC.remove("account");
    }

    public static Caller.Operator operator()
    {
        if (caller() instanceof Caller.Operator operator) {
            return operator;
        }
        throw new SluiceException(ErrorCode.OPERATOR_ONLY, "only the operator token may manage accounts");
    }

    public static Caller.AccountToken manage()
    {
        return require(Scope.MANAGE);
    }

    public static Caller.AccountToken read()
    {
        return require(Scope.READ);
    }

    public static Caller.AccountToken consume()
    {
        return require(Scope.CONSUME);
    }

    /** The account behind the caller's token, whatever its scopes. */
    public static Caller.AccountToken account()
    {
        if (caller() instanceof Caller.AccountToken token) {
            return token;
        }
        throw new SluiceException(ErrorCode.INSUFFICIENT_SCOPE, "the operator token belongs to no account");
    }

    /** The account caller, if its token carries {@code scope}; {@code manage} implies {@code read}. */
    private static Caller.AccountToken require(Scope scope)
    {
        if (!(caller() instanceof Caller.AccountToken token)) {
            throw new SluiceException(ErrorCode.INSUFFICIENT_SCOPE, "the operator token cannot act inside an account; use an account's API token");
        }
        boolean allowed = token.scopes().contains(scope) || (scope == Scope.READ && token.scopes().contains(Scope.MANAGE));
        if (!allowed) {
            throw new SluiceException(ErrorCode.INSUFFICIENT_SCOPE, "this token lacks the '" + scope.value() + "' scope");
        }
        return token;
    }

    private static Caller caller()
    {
        Caller caller = CURRENT.get();
        if (caller == null) {
            throw new SluiceException(ErrorCode.UNAUTHENTICATED, "authentication required");
        }
        return caller;
    }
}
