package dev.sluice.data.extract.pgoutput;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the ISO text output of Postgres dates and timestamps ({@code DateStyle = ISO}, which the
 * JDBC driver sets on every connection): {@code 2024-01-02 03:04:05.123456+05:30}, years past
 * 9999, {@code BC} years, and offsets with seconds (historical local mean time).
 * {@code infinity} and {@code -infinity} are handled by the caller.
 */
final class PgTemporal
{
    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4,})-(\\d{2})-(\\d{2})"
                    + "(?:[ T](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?)?"
                    + "(?:([+-])(\\d{2})(?::?(\\d{2}))?(?::?(\\d{2}))?)?"
                    + "( BC)?");

    private PgTemporal() {}

    static LocalDate parseDate(String text)
    {
        Matcher matcher = match(text, "date");
        if (matcher.group(4) != null || matcher.group(8) != null) {
            throw malformed("date");
        }
        return date(matcher);
    }

    static LocalDateTime parseTimestamp(String text)
    {
        if (text.length() >= 19 && isCommonDateTime(text, 0) && fractionEnd(text) == text.length()) {
            return commonDateTime(text, text.length());
        }
        Matcher matcher = match(text, "timestamp");
        if (matcher.group(4) == null || matcher.group(8) != null) {
            throw malformed("timestamp");
        }
        return LocalDateTime.of(date(matcher), time(matcher));
    }

    static OffsetDateTime parseTimestampWithTimeZone(String text)
    {
        OffsetDateTime common = commonTimestampWithTimeZone(text);
        if (common != null) {
            return common;
        }
        Matcher matcher = match(text, "timestamptz");
        if (matcher.group(4) == null || matcher.group(8) == null) {
            throw malformed("timestamptz");
        }
        int sign = matcher.group(8).equals("-") ? -1 : 1;
        int offsetSeconds = Integer.parseInt(matcher.group(9)) * 3600
                + parseOrZero(matcher.group(10)) * 60
                + parseOrZero(matcher.group(11));
        return OffsetDateTime.of(date(matcher), time(matcher), ZoneOffset.ofTotalSeconds(sign * offsetSeconds));
    }

    /**
     * The shape nearly every value has ({@code 2024-01-02 03:04:05[.123456]+05[:30]}: a four-digit year, no BC, an offset
     * in hours or hours and minutes), read without a regular expression; null for any other shape, which the general
     * parser reads.
     */
    private static OffsetDateTime commonTimestampWithTimeZone(String text)
    {
        if (text.length() < 22 || !isCommonDateTime(text, 0)) {
            return null;
        }
        int offsetAt = fractionEnd(text);
        if (offsetAt < 0) {
            return null;
        }
        int length = text.length() - offsetAt;
        char sign = offsetAt < text.length() ? text.charAt(offsetAt) : 0;
        if ((sign != '+' && sign != '-') || (length != 3 && length != 6) || !digits(text, offsetAt + 1, 2)
                || (length == 6 && (text.charAt(offsetAt + 3) != ':' || !digits(text, offsetAt + 4, 2)))) {
            return null;
        }
        int offsetSeconds = number(text, offsetAt + 1, 2) * 3600 + (length == 6 ? number(text, offsetAt + 4, 2) * 60 : 0);
        return OffsetDateTime.of(commonDateTime(text, offsetAt), ZoneOffset.ofTotalSeconds(sign == '-' ? -offsetSeconds : offsetSeconds));
    }

    /** {@code yyyy-MM-dd HH:mm:ss} at {@code at}. */
    private static boolean isCommonDateTime(String text, int at)
    {
        return digits(text, at, 4) && text.charAt(at + 4) == '-' && digits(text, at + 5, 2) && text.charAt(at + 7) == '-' && digits(text, at + 8, 2)
                && text.charAt(at + 10) == ' ' && digits(text, at + 11, 2) && text.charAt(at + 13) == ':' && digits(text, at + 14, 2)
                && text.charAt(at + 16) == ':' && digits(text, at + 17, 2);
    }

    /** Where the optional {@code .fraction} after the seconds ends (the index after the seconds when there is none). */
    private static int fractionEnd(String text)
    {
        if (text.length() <= 19 || text.charAt(19) != '.') {
            return 19;
        }
        int end = 20;
        while (end < text.length() && end < 29 && isDigit(text.charAt(end))) {
            end++;
        }
        return end == 20 ? -1 : end;
    }

    /** The common shape's date and time, its fraction ending at {@code fractionEnd} (see {@link #fractionEnd}). */
    private static LocalDateTime commonDateTime(String text, int fractionEnd)
    {
        int nanos = 0;
        if (fractionEnd > 20) {
            nanos = number(text, 20, fractionEnd - 20);
            for (int digits = fractionEnd - 20; digits < 9; digits++) {
                nanos *= 10;
            }
        }
        return LocalDateTime.of(number(text, 0, 4), number(text, 5, 2), number(text, 8, 2), number(text, 11, 2), number(text, 14, 2),
                number(text, 17, 2), nanos);
    }

    private static boolean digits(String text, int at, int count)
    {
        if (at + count > text.length()) {
            return false;
        }
        for (int i = at; i < at + count; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c)
    {
        return c >= '0' && c <= '9';
    }

    private static int number(String text, int at, int count)
    {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            value = value * 10 + (text.charAt(i) - '0');
        }
        return value;
    }

    /**
     * ISO text of a date and time, exactly as {@link DateTimeFormatter#ISO_LOCAL_DATE_TIME} writes it (seconds
     * always, the fraction without trailing zeros), without the formatter's cost for years 0 to 9999; {@code utc} appends {@code Z}.
     */
    static String iso(LocalDateTime value, boolean utc)
    {
        int year = value.getYear();
        if (year < 0 || year > 9999) {
            String formatted = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(value);
            return utc ? formatted + "Z" : formatted;
        }
        StringBuilder out = new StringBuilder(32);
        pad(out, year, 4).append('-');
        pad(out, value.getMonthValue(), 2).append('-');
        pad(out, value.getDayOfMonth(), 2).append('T');
        pad(out, value.getHour(), 2).append(':');
        pad(out, value.getMinute(), 2).append(':');
        pad(out, value.getSecond(), 2);
        int nanos = value.getNano();
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            pad(out.append('.'), nanos, digits);
        }
        if (utc) {
            out.append('Z');
        }
        return out.toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width)
    {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    private static Matcher match(String text, String type)
    {
        Matcher matcher = DATE_TIME.matcher(text);
        if (!matcher.matches()) {
            throw malformed(type);
        }
        return matcher;
    }

    private static LocalDate date(Matcher matcher)
    {
        int year = Integer.parseInt(matcher.group(1));
        if (matcher.group(12) != null) {
            // There is no year 0 in Postgres: 1 BC is ISO year 0, 2 BC is year -1.
            year = 1 - year;
        }
        return LocalDate.of(year, Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3)));
    }

    private static LocalTime time(Matcher matcher)
    {
        String fraction = matcher.group(7);
        int nanoseconds = fraction == null ? 0 : Integer.parseInt((fraction + "000000000").substring(0, 9));
        return LocalTime.of(Integer.parseInt(matcher.group(4)), Integer.parseInt(matcher.group(5)), Integer.parseInt(matcher.group(6)), nanoseconds);
    }

    private static int parseOrZero(String digits)
    {
        return digits == null ? 0 : Integer.parseInt(digits);
    }

    private static PgOutputException malformed(String type)
    {
        return new PgOutputException("malformed " + type + " value");
    }
}
