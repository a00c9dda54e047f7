package dev.sluice.core;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * A Postgres log sequence number: a position in the write-ahead log, an unsigned 64-bit
 * integer written as two hexadecimal halves ({@code 16/B374D848}). Ordered as unsigned.
 */
public final class Lsn
        implements Comparable<Lsn>
{
    /** The zero position, which Postgres uses to mean "no position" ({@code InvalidXLogRecPtr}). */
    public static final Lsn INVALID = new Lsn(0);

    private final long value;

    private Lsn(long value)
    {
        this.value = value;
    }

    public static Lsn valueOf(long value)
    {
        if (value == 0) {
            return INVALID;
        }
        return new Lsn(value);
    }

    /**
     * Parses the text form Postgres prints ({@code pg_current_wal_lsn()}, {@code pg_replication_slots}).
     */
    public static Lsn parse(String text)
    {
        requireNonNull(text, "text is null");
        int slash = text.indexOf('/');
        if (slash < 0 || !isHalf(text, 0, slash) || !isHalf(text, slash + 1, text.length())) {
            throw new IllegalArgumentException("not a log sequence number: '" + text + "'");
        }
        long high = Long.parseLong(text, 0, slash, 16);
        long low = Long.parseLong(text, slash + 1, text.length(), 16);
        return valueOf(high << 32 | low);
    }

    private static boolean isHalf(String text, int start, int end)
    {
        if (end - start < 1 || end - start > 8) {
            return false;
        }
        for (int index = start; index < end; index++) {
            char character = text.charAt(index);
            boolean hexDigit = (character >= '0' && character <= '9')
                    || (character >= 'a' && character <= 'f')
                    || (character >= 'A' && character <= 'F');
            if (!hexDigit) {
                return false;
            }
        }
        return true;
    }

    public long asLong()
    {
        return value;
    }

    public boolean isValid()
    {
        return value != 0;
    }

    public boolean isAfter(Lsn other)
    {
        return compareTo(other) > 0;
    }

    public boolean isBefore(Lsn other)
    {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(Lsn other)
    {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof Lsn lsn && lsn.value == value;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(value);
    }

    /** The text form Postgres uses, for example {@code 16/B374D848}. */
    @Override
    public String toString()
    {
        return Long.toHexString(value >>> 32).toUpperCase(Locale.ROOT)
                + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
    }
}
