package dev.sluice.control.endpoint;

import dev.sluice.core.error.SluiceException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signing secrets in the Standard Webhooks form, {@code whsec_} and the base64 of the key, which every
 * Standard Webhooks library accepts as it is. Sluice generates them; a secret given in another form is
 * converted to this one (its UTF-8 bytes are the key), so the key never depends on how it was given.
 */
public final class SigningSecrets
{
    public static final String PREFIX = "whsec_";
    /** The key length Sluice generates; Standard Webhooks asks for 24 to 64 bytes. */
    private static final int GENERATED_BYTES = 32;
    private static final int MIN_BYTES = 24;
    private static final int MAX_BYTES = 64;
    private static final int MIN_TEXT_LENGTH = 24;
    private static final int MAX_TEXT_LENGTH = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SigningSecrets() {}

    public static String generate()
    {
        byte[] key = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The Standard Webhooks form of a secret a user gave, or a 422 on {@code field} saying why it cannot be one. */
    public static String canonical(String field, String given)
    {
        if (given.startsWith(PREFIX)) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(given.substring(PREFIX.length()));
            }
            catch (IllegalArgumentException e) {
                throw SluiceException.invalid(field, "starts with whsec_ but the rest is not base64");
            }
            if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
                throw SluiceException.invalid(field, "must encode a key of " + MIN_BYTES + " to " + MAX_BYTES + " bytes after whsec_ (it has " + key.length + ")");
            }
            return PREFIX + Base64.getEncoder().encodeToString(key);
        }
        if (given.length() < MIN_TEXT_LENGTH || given.length() > MAX_TEXT_LENGTH) {
            throw SluiceException.invalid(field, "must be whsec_ and base64, or " + MIN_TEXT_LENGTH + " to " + MAX_TEXT_LENGTH + " characters");
        }
        if (given.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw SluiceException.invalid(field, "must not contain control characters");
        }
        return PREFIX + Base64.getEncoder().encodeToString(given.getBytes(StandardCharsets.UTF_8));
    }
}
