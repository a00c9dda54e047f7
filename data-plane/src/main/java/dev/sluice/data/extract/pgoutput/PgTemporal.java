package dev.sluice.data.extract.pgoutput;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
        Matcher matcher = match(text, "timestamp");
        if (matcher.group(4) == null || matcher.group(8) != null) {
            throw malformed("timestamp");
        }
        return LocalDateTime.of(date(matcher), time(matcher));
    }

    static OffsetDateTime parseTimestampWithTimeZone(String text)
    {
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
