package dev.sluice.control.auth;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.secret.Tokens;
import dev.sluice.store.Store;
import dev.sluice.store.token.TokenDao;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Resolves the bearer token of every API request to a {@link Caller}. Tokens are looked up by hash on
 * every request, so a revoked token or a disabled account is refused at once.
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthenticationFilter
        implements ContainerRequestFilter
{
    private final Store store;
    private final Optional<String> operatorToken;

    public AuthenticationFilter(Store store, Optional<String> operatorToken)
    {
        this.store = requireNonNull(store, "store is null");
        this.operatorToken = requireNonNull(operatorToken, "operatorToken is null");
    }

    @Override
    public void filter(ContainerRequestContext request)
    {
        Callers.clear();
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("v1/") && !path.startsWith("/v1/")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw new SluiceException(ErrorCode.UNAUTHENTICATED, "send an API token in the Authorization header: 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new SluiceException(ErrorCode.UNAUTHENTICATED, "the Authorization header must use the Bearer scheme");
        }
        String secret = header.substring(7).trim();
        Caller caller = authenticate(secret);
        Callers.set(caller);
    }

    private Caller authenticate(String secret)
    {
        if (operatorToken.isPresent() && constantTimeEquals(operatorToken.get(), secret)) {
            return new Caller.Operator();
        }
        if (!secret.startsWith(Tokens.PREFIX)) {
            throw invalidToken();
        }
        String hash = Tokens.hash(secret);
        return store.withHandle(handle -> {
            TokenDao tokens = handle.attach(TokenDao.class);
            TokenDao.AuthenticatedToken found = tokens.authenticate(hash).orElseThrow(AuthenticationFilter::invalidToken);
            if (!found.accountActive()) {
                throw new SluiceException(ErrorCode.ACCOUNT_DISABLED, "this account is disabled; contact the operator");
            }
            tokens.touch(found.token().id());
            return new Caller.AccountToken(found.token().accountId(), found.accountName(), found.token().id(), found.token().scopes());
        });
    }

    private static SluiceException invalidToken()
    {
        return new SluiceException(ErrorCode.UNAUTHENTICATED, "the API token is unknown or revoked");
    }

    private static boolean constantTimeEquals(String expected, String actual)
    {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
