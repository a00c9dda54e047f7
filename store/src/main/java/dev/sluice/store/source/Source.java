package dev.sluice.store.source;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.SourceId;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A user's Postgres database. The password is kept encrypted ({@code SecretBox}); only the data plane
 * and the source checker decrypt it.
 */
public record Source(
        AccountId accountId,
        SourceId id,
        String name,
        String host,
        int port,
        String database,
        String username,
        String passwordEncrypted,
        String sslMode,
        String publicationName,
        String slotName,
        boolean managePublication,
        boolean manageSlot,
        Instant createdAt,
        Instant updatedAt)
{
    public Source
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(host, "host is null");
        requireNonNull(database, "database is null");
        requireNonNull(username, "username is null");
        requireNonNull(passwordEncrypted, "passwordEncrypted is null");
        requireNonNull(sslMode, "sslMode is null");
        requireNonNull(publicationName, "publicationName is null");
        requireNonNull(slotName, "slotName is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
