package dev.sluice.control.auth;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.secret.Tokens;
import dev.sluice.store.Store;
import dev.sluice.store.token.TokenDao;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Resolves a token to its caller. Tokens are looked up by hash on every call, so a revoked token or a
 * disabled account is refused at once, over the API and in the console alike.
 */
public final class Authenticator
{
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final Store store;
    private final Optional<String> operatorToken;

    public Authenticator(Store store, Optional<String> operatorToken)
    {
        this.store = requireNonNull(store, "store is null");
        this.operatorToken = requireNonNull(operatorToken, "operatorToken is null");
    }

    public Caller authenticate(String secret)
    {
        if (operatorToken.isPresent() && constantTimeEquals(operatorToken.get(), secret)) {
            return new Caller.Operator();
        }
        if (!secret.startsWith(Tokens.PREFIX)) {
            throw invalidToken();
        }
        String hash = Tokens.hash(secret);
        return store.withHandle(handle -> {
            // a plain query, not the attached DAO: every request is authenticated
            TokenDao.AuthenticatedToken found = TokenDao.authenticate(handle, hash).orElseThrow(Authenticator::invalidToken);
            if (!found.accountActive()) {
                throw new SluiceException(ErrorCode.ACCOUNT_DISABLED, "this account is disabled; contact the operator");
            }
            // use is recorded at most once a minute (the update says so too): most calls are one read
            if (found.token().lastUsedAt().map(used -> used.isBefore(Instant.now().minus(TOUCH_INTERVAL))).orElse(true)) {
                handle.attach(TokenDao.class).touch(found.token().id());
            }
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
