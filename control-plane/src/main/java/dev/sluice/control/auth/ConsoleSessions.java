package dev.sluice.control.auth;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.core.secret.Tokens;
import dev.sluice.store.Store;
import dev.sluice.store.session.ConsoleSessionDao;

import java.sql.Timestamp;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Console sessions: sealed in the browser's cookie, and known to the server by the hash of their id until
 * they expire or the user logs out. A cookie replayed after logout is refused, however well sealed.
 */
public final class ConsoleSessions
{
    private final Store store;
    private final SecretBox key;

    public ConsoleSessions(Store store, SecretBox key)
    {
        this.store = requireNonNull(store, "store is null");
        this.key = requireNonNull(key, "key is null");
    }

    /** Opens a session for the account of {@code token}; the answer is the sealed cookie value. */
    public String open(AccountId accountId, String token)
    {
        ConsoleSession session = ConsoleSession.open(token);
        store.useHandle(handle -> {
            ConsoleSessionDao sessions = handle.attach(ConsoleSessionDao.class);
            sessions.deleteExpiredAcrossAccounts();
            sessions.insert(accountId, Tokens.hash(session.id()), Timestamp.from(session.expiresAt()));
        });
        return session.seal(key);
    }

    /** The session a cookie holds, if it was sealed with this server's key and has not expired; whether the server still knows it is {@link #isLive}. */
    public Optional<ConsoleSession> unseal(String cookie)
    {
        return ConsoleSession.unseal(key, cookie);
    }

    public boolean isLive(AccountId accountId, ConsoleSession session)
    {
        return store.withHandle(handle -> handle.attach(ConsoleSessionDao.class).isLive(accountId, Tokens.hash(session.id())));
    }

    public void end(AccountId accountId, ConsoleSession session)
    {
        store.useHandle(handle -> handle.attach(ConsoleSessionDao.class).delete(accountId, Tokens.hash(session.id())));
    }
}
