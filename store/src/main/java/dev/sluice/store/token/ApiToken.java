package dev.sluice.store.token;

import dev.sluice.core.id.AccountId;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** An account's API token; the secret itself is never stored, only its hash. */
public record ApiToken(AccountId accountId, String id, String name, Set<Scope> scopes, String prefix, Instant createdAt, Optional<Instant> lastUsedAt)
{
    public ApiToken
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        scopes = Set.copyOf(requireNonNull(scopes, "scopes is null"));
        requireNonNull(prefix, "prefix is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(lastUsedAt, "lastUsedAt is null");
    }
}
