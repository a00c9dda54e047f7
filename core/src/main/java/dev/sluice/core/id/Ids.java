package dev.sluice.core.id;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Generates resource ids: a kind prefix, an underscore and 26 lowercase Crockford base32 characters
 * (48 bits of milliseconds then 80 random bits), so ids sort by creation time.
 */
public final class Ids
{
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int LENGTH = 26;

    private Ids() {}

    public static String next(String prefix)
    {
        return next(prefix, Clock.systemUTC());
    }

    public static String next(String prefix, Clock clock)
    {
        requireNonNull(prefix, "prefix is null");
        long millis = clock.millis();
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        char[] chars = new char[LENGTH];
        // 48-bit timestamp into the first 10 characters (50 bits, top 2 always zero)
        for (int i = 9; i >= 0; i--) {
            chars[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 random bits into the last 16 characters
        long high = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (random[i] & 0xff);
        }
        long low = 0;
        for (int i = 5; i < 10; i++) {
            low = (low << 8) | (random[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            chars[i] = ALPHABET[(int) (high & 31)];
            high >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            chars[i] = ALPHABET[(int) (low & 31)];
            low >>>= 5;
        }
        return prefix + "_" + new String(chars);
    }

    public static Pattern pattern(String prefix)
    {
        return Pattern.compile(Pattern.quote(prefix) + "_[0-9a-hjkmnp-tv-z]{" + LENGTH + "}");
    }
}
