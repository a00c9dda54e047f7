package dev.sluice.store.account;

import dev.sluice.core.id.AccountId;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A tenant. */
public record Account(AccountId id, String name, boolean active, Instant createdAt)
{
    public Account
    {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
