package dev.sluice.store.endpoint;

import dev.sluice.core.id.AccountId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A webhook target. Secret headers and signing secrets are kept encrypted. Every endpoint has a signing
 * secret; a rotation retires the current one, which keeps signing for {@link #ROTATION_GRACE} after it was
 * retired, however many rotations follow.
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
        List<RetiredSigningSecret> retiredSigningSecrets,
        Instant createdAt,
        Instant updatedAt)
{
    /** How long a replaced signing secret keeps signing, as the API documents. */
    public static final Duration ROTATION_GRACE = Duration.ofHours(24);

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
        retiredSigningSecrets = List.copyOf(requireNonNull(retiredSigningSecrets, "retiredSigningSecrets is null"));
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }

    /** The secrets a request sent at {@code now} is signed with: the current one first, then every retired one still valid. */
    public List<String> signingSecretsEncrypted(Instant now)
    {
        List<String> valid = new ArrayList<>();
        signingSecretEncrypted.ifPresent(valid::add);
        retiredSigningSecrets.stream()
                .filter(retired -> retired.validUntil().isAfter(now))
                .sorted(Comparator.comparing(RetiredSigningSecret::validUntil).reversed())
                .forEach(retired -> valid.add(retired.secretEncrypted()));
        return List.copyOf(valid);
    }

    /**
     * This endpoint signing with {@code nextEncrypted} from {@code now} on: the current secret is retired and
     * signs on for {@link #ROTATION_GRACE}, as do the secrets retired before it until their own grace ends.
     */
    public HttpEndpoint withSigningSecret(String nextEncrypted, Instant now)
    {
        List<RetiredSigningSecret> retired = new ArrayList<>(retiredSigningSecretsValidAt(now));
        signingSecretEncrypted.ifPresent(secret -> retired.add(new RetiredSigningSecret(secret, now.plus(ROTATION_GRACE))));
        return new HttpEndpoint(accountId, id, name, url, headers, secretHeadersEncrypted, secretHeaderNames, Optional.of(nextEncrypted), retired, createdAt, updatedAt);
    }

    /** The retired secrets still valid at {@code now}. */
    public List<RetiredSigningSecret> retiredSigningSecretsValidAt(Instant now)
    {
        return retiredSigningSecrets.stream().filter(retired -> retired.validUntil().isAfter(now)).toList();
    }
}
