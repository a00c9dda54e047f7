package dev.sluice.store.endpoint;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A signing secret replaced by a rotation, still used to sign until {@code validUntil} so receivers can switch. */
public record RetiredSigningSecret(String secretEncrypted, Instant validUntil)
{
    public RetiredSigningSecret
    {
        requireNonNull(secretEncrypted, "secretEncrypted is null");
        requireNonNull(validUntil, "validUntil is null");
    }
}
