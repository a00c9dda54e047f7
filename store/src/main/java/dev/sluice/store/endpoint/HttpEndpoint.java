package dev.sluice.store.endpoint;

import dev.sluice.core.id.AccountId;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A webhook target. Secret headers and signing secrets are kept encrypted; after a rotation the previous
 * signing secret stays valid until {@code signingSecretRotatedAt} plus the rotation grace period.
 */
public record HttpEndpoint(
        AccountId accountId,
        String id,
        String name,
        String url,
        Map<String, String> headers,
        Optional<String> secretHeadersEncrypted,
        List<String> secretHeaderNames,
        Optional<String> signingSecretEncrypted,
        Optional<String> previousSigningSecretEncrypted,
        Optional<Instant> signingSecretRotatedAt,
        Instant createdAt,
        Instant updatedAt)
{
    public HttpEndpoint
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(url, "url is null");
        headers = Map.copyOf(requireNonNull(headers, "headers is null"));
        requireNonNull(secretHeadersEncrypted, "secretHeadersEncrypted is null");
        secretHeaderNames = List.copyOf(requireNonNull(secretHeaderNames, "secretHeaderNames is null"));
        requireNonNull(signingSecretEncrypted, "signingSecretEncrypted is null");
        requireNonNull(previousSigningSecretEncrypted, "previousSigningSecretEncrypted is null");
        requireNonNull(signingSecretRotatedAt, "signingSecretRotatedAt is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
