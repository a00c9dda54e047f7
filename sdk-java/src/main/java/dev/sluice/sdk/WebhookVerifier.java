package dev.sluice.sdk;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static java.util.Objects.requireNonNull;

/**
 * Verifies the Standard Webhooks signature of a request that a push consumer sent: the headers
 * {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature} (space-separated
 * {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, one per valid secret while a secret is being
 * rotated), checked against the HTTP endpoint's signing secret.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.of(System.getenv("SLUICE_SIGNING_SECRET"));
 * byte[] body = exchange.getRequestBody().readAllBytes();
 * verifier.verify(name -> exchange.getRequestHeaders().getFirst(name), body); // throws when forged or stale
 * }</pre>
 *
 * <p>Verify the body exactly as received, before parsing it. A secret written {@code whsec_<base64>} is
 * used as its decoded bytes, any other secret as its UTF-8 bytes, as the server does. Signatures are
 * compared in constant time, and a timestamp further than the tolerance (5 minutes unless set) from the
 * clock is refused, against replays. Immutable and thread-safe.
 */
public final class WebhookVerifier
{
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String SECRET_PREFIX = "whsec_";
    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final Duration tolerance;
    private final Clock clock;

    private WebhookVerifier(byte[] key, Duration tolerance, Clock clock)
    {
        if (key.length == 0) {
            throw new IllegalArgumentException("the signing secret is empty");
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
        this.tolerance = requireNonNull(tolerance, "tolerance is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must not be negative: " + tolerance);
        }
    }

    /** A verifier for the endpoint's signing secret, with a tolerance of 5 minutes against the system clock. */
    public static WebhookVerifier of(String signingSecret)
    {
        return of(signingSecret, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    public static WebhookVerifier of(String signingSecret, Duration tolerance, Clock clock)
    {
        return new WebhookVerifier(key(requireNonNull(signingSecret, "signingSecret is null")), tolerance, clock);
    }

    /**
     * Verifies a request given a lookup of its headers by name (lower case; make the lookup
     * case-insensitive if your server needs it) and its raw body.
     *
     * @throws WebhookVerificationException when a header is missing, the timestamp is out of tolerance or
     *         no signature matches
     */
    public void verify(UnaryOperator<String> headers, byte[] body)
            throws WebhookVerificationException
    {
        requireNonNull(headers, "headers is null");
        verify(headers.apply(ID_HEADER), headers.apply(TIMESTAMP_HEADER), headers.apply(SIGNATURE_HEADER), body);
    }

    /** Verifies a request given its three Standard Webhooks headers and its raw body. */
    public void verify(String webhookId, String webhookTimestamp, String webhookSignature, byte[] body)
            throws WebhookVerificationException
    {
        requireNonNull(body, "body is null");
        required(ID_HEADER, webhookId);
        required(TIMESTAMP_HEADER, webhookTimestamp);
        required(SIGNATURE_HEADER, webhookSignature);
        Instant timestamp = timestamp(webhookTimestamp.strip());
        Instant now = clock.instant();
        if (Duration.between(timestamp, now).abs().compareTo(tolerance) > 0) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.TIMESTAMP_OUT_OF_TOLERANCE,
                    "webhook-timestamp " + timestamp + " is more than " + tolerance + " away from now (" + now + ")");
        }
        byte[] expected = sign(webhookId, webhookTimestamp.strip(), body);
        boolean matched = false;
        for (String signature : webhookSignature.strip().split(" +", -1)) {
            int comma = signature.indexOf(',');
            if (comma < 0 || !signature.substring(0, comma).equals(VERSION)) {
                continue;
            }
            byte[] candidate;
            try {
                candidate = Base64.getDecoder().decode(signature.substring(comma + 1));
            }
            catch (IllegalArgumentException e) {
                continue;
            }
            // Constant time, and every signature is compared, so timing tells nothing about which one matched.
            matched |= MessageDigest.isEqual(expected, candidate);
        }
        if (!matched) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.NO_MATCHING_SIGNATURE,
                    "no v1 signature in webhook-signature matches the body (wrong secret, or the body was changed)");
        }
    }

    private byte[] sign(String webhookId, String webhookTimestamp, byte[] body)
    {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update((webhookId + "." + webhookTimestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        }
        catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC key refused", e);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    private static void required(String name, String value)
            throws WebhookVerificationException
    {
        if (value == null || value.isBlank()) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.MISSING_HEADER, "the " + name + " header is missing");
        }
    }

    private static Instant timestamp(String value)
            throws WebhookVerificationException
    {
        try {
            return Instant.ofEpochSecond(Long.parseLong(value));
        }
        catch (NumberFormatException | DateTimeException e) {
            throw new WebhookVerificationException(WebhookVerificationException.Reason.INVALID_TIMESTAMP,
                    "webhook-timestamp is not a number of seconds since the epoch: " + value);
        }
    }

    private static byte[] key(String secret)
    {
        if (secret.startsWith(SECRET_PREFIX)) {
            try {
                return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
            }
            catch (IllegalArgumentException e) {
                // not base64 after all: the server then signs with the raw bytes, and so do we
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }
}
