package dev.sluice.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API token secrets: {@code slc_} + 43 base64url characters (256 random bits). Only their SHA-256
 * hash is stored; a token is looked up by hash.
 */
public final class Tokens
{
    public static final String PREFIX = "slc_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    public static String newSecret()
    {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String secret)
    {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The part of a secret that is safe to show to recognise it. */
    public static String displayPrefix(String secret)
    {
        return secret.substring(0, Math.min(secret.length(), PREFIX.length() + 6));
    }
}
