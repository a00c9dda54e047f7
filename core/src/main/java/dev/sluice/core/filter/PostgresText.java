package dev.sluice.core.filter;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postgres's text forms of the types filters handle: the input functions (what a quoted literal or
 * a cast from text accepts) and the output functions (what a cast to text prints), with the
 * session settings Sluice assumes: {@code DateStyle} ISO and {@code TimeZone} UTC.
 * <p>
 * Date/time input accepts ISO 8601 forms ({@code 2024-01-31}, {@code 2024-01-31 10:00},
 * {@code 2024-01-31T10:00:00.5+02:00}, with {@code BC}), {@code epoch} and {@code ±infinity};
 * Postgres also reads forms such as {@code Jan 31 2024} and zone names, which are refused here.
 */
final class PostgresText
{
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern DATE_TIME = Pattern.compile(
            "([0-9]{4,})-([0-9]{1,2})-([0-9]{1,2})"
                    + "(?:[Tt ]\\s*([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\\.([0-9]*))?)?)?"
                    + "\\s*(?:([Zz]|UTC|utc|[+-][0-9]{1,2}(?::?[0-9]{2}(?::?[0-9]{2})?)?))?"
                    + "(\\s+(?:BC|bc))?");
    private static final MathContext FLOAT8_TO_NUMERIC = new MathContext(15, RoundingMode.HALF_EVEN);

    private PostgresText() {}

    static long parseInteger(String text, boolean bigint)
    {
        String typeName = bigint ? "bigint" : "integer";
        String trimmed = trim(text);
        if (!INTEGER.matcher(trimmed).matches()) {
            throw new FilterEvaluationException("invalid input syntax for type " + typeName + ": \"" + text + "\"");
        }
        long value;
        try {
            value = Long.parseLong(trimmed);
        }
        catch (NumberFormatException e) {
            throw new FilterEvaluationException("value \"" + text + "\" is out of range for type " + typeName);
        }
        if (!bigint && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
            throw new FilterEvaluationException("value \"" + text + "\" is out of range for type " + typeName);
        }
        return value;
    }

    /** A {@code numeric}: a {@link BigDecimal}, or a {@link Double} for {@code NaN} and {@code ±Infinity}. */
    static Object parseNumeric(String text)
    {
        String trimmed = trim(text);
        String lower = trimmed.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "nan" -> {
                return Double.NaN;
            }
            case "infinity", "+infinity", "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-infinity", "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                // a number: below
            }
        }
        if (!DECIMAL.matcher(trimmed).matches()) {
            throw new FilterEvaluationException("invalid input syntax for type numeric: \"" + text + "\"");
        }
        return normalizeScale(new BigDecimal(trimmed));
    }

    static double parseDouble(String text)
    {
        String trimmed = trim(text);
        String lower = trimmed.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            case "infinity", "+infinity", "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-infinity", "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                // a number: below
            }
        }
        if (!DECIMAL.matcher(trimmed).matches()) {
            throw new FilterEvaluationException("invalid input syntax for type double precision: \"" + text + "\"");
        }
        double value = Double.parseDouble(trimmed);
        if (Double.isInfinite(value) || (value == 0.0 && hasNonZeroDigit(trimmed))) {
            throw new FilterEvaluationException("\"" + text + "\" is out of range for type double precision");
        }
        return value;
    }

    static boolean parseBoolean(String text)
    {
        String value = trim(text).toLowerCase(Locale.ROOT);
        int length = value.length();
        if (length > 0) {
            // as Postgres's parse_bool: any prefix of true/false/yes/no, on/off from two letters, 1 and 0
            switch (value.charAt(0)) {
                case 't' -> {
                    if ("true".startsWith(value)) {
                        return true;
                    }
                }
                case 'f' -> {
                    if ("false".startsWith(value)) {
                        return false;
                    }
                }
                case 'y' -> {
                    if ("yes".startsWith(value)) {
                        return true;
                    }
                }
                case 'n' -> {
                    if ("no".startsWith(value)) {
                        return false;
                    }
                }
                case 'o' -> {
                    if (length >= 2 && "on".startsWith(value)) {
                        return true;
                    }
                    if (length >= 2 && "off".startsWith(value)) {
                        return false;
                    }
                }
                case '1' -> {
                    if (length == 1) {
                        return true;
                    }
                }
                case '0' -> {
                    if (length == 1) {
                        return false;
                    }
                }
                default -> {
                    // no spelling of a boolean: refused below
                }
            }
        }
        throw new FilterEvaluationException("invalid input syntax for type boolean: \"" + text + "\"");
    }

    static OffsetDateTime parseTimestampWithTimeZone(String text)
    {
        String special = trim(text).toLowerCase(Locale.ROOT);
        return switch (special) {
            case "infinity", "+infinity" -> OffsetDateTime.MAX;
            case "-infinity" -> OffsetDateTime.MIN;
            case "epoch" -> OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
            default -> {
                DateTimeParts parts = parseDateTime(text, "timestamp with time zone");
                // without an explicit offset the session time zone applies, which Sluice takes to be UTC
                yield parts.dateTime().atOffset(parts.offset() == null ? ZoneOffset.UTC : parts.offset());
            }
        };
    }

    static LocalDateTime parseTimestamp(String text)
    {
        String special = trim(text).toLowerCase(Locale.ROOT);
        return switch (special) {
            case "infinity", "+infinity" -> LocalDateTime.MAX;
            case "-infinity" -> LocalDateTime.MIN;
            case "epoch" -> LocalDateTime.of(1970, 1, 1, 0, 0);
            // Postgres silently ignores a time zone given for a timestamp without time zone
            default -> parseDateTime(text, "timestamp without time zone").dateTime();
        };
    }

    static LocalDate parseDate(String text)
    {
        String special = trim(text).toLowerCase(Locale.ROOT);
        return switch (special) {
            case "infinity", "+infinity" -> LocalDate.MAX;
            case "-infinity" -> LocalDate.MIN;
            case "epoch" -> LocalDate.of(1970, 1, 1);
            default -> parseDateTime(text, "date").dateTime().toLocalDate();
        };
    }

    private record DateTimeParts(LocalDateTime dateTime, ZoneOffset offset) {}

    private static DateTimeParts parseDateTime(String text, String typeName)
    {
        Matcher matcher = DATE_TIME.matcher(trim(text));
        if (!matcher.matches()) {
            throw new FilterEvaluationException("invalid input syntax for type " + typeName + ": \"" + text
                    + "\" (filters accept ISO 8601 dates and times such as 2024-01-31 or 2024-01-31 10:00:00+00)");
        }
        try {
            int year = Integer.parseInt(matcher.group(1));
            if (matcher.group(9) != null) {
                // year 1 BC is ISO year 0
                year = 1 - year;
            }
            LocalDate date = LocalDate.of(year, Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3)));
            LocalDateTime dateTime = date.atStartOfDay();
            if (matcher.group(4) != null) {
                int hour = Integer.parseInt(matcher.group(4));
                int minute = Integer.parseInt(matcher.group(5));
                int second = matcher.group(6) == null ? 0 : Integer.parseInt(matcher.group(6));
                long nanos = 0;
                if (matcher.group(7) != null && !matcher.group(7).isEmpty()) {
                    // Postgres keeps microseconds, rounding the rest
                    nanos = new BigDecimal("0." + matcher.group(7)).setScale(6, RoundingMode.HALF_EVEN).movePointRight(9).longValueExact();
                }
                if (hour == 24 && minute == 0 && second == 0 && nanos == 0) {
                    dateTime = date.plusDays(1).atStartOfDay();
                }
                else if (second == 60) {
                    // a leap second rolls over into the next minute, as in Postgres
                    dateTime = date.atTime(LocalTime.of(hour, minute, 59)).plusSeconds(1).plusNanos(nanos);
                }
                else {
                    dateTime = date.atTime(LocalTime.of(hour, minute, second)).plusNanos(nanos);
                }
            }
            return new DateTimeParts(dateTime, offset(matcher.group(8)));
        }
        catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            throw new FilterEvaluationException("date/time field value out of range: \"" + text + "\"");
        }
    }

    private static ZoneOffset offset(String zone)
    {
        if (zone == null) {
            return null;
        }
        if (zone.equalsIgnoreCase("z") || zone.equalsIgnoreCase("utc")) {
            return ZoneOffset.UTC;
        }
        int sign = zone.charAt(0) == '-' ? -1 : 1;
        String digits = zone.substring(1).replace(":", "");
        int hours;
        int minutes = 0;
        int seconds = 0;
        if (digits.length() <= 2) {
            hours = Integer.parseInt(digits);
        }
        else if (digits.length() <= 4) {
            hours = Integer.parseInt(digits.substring(0, digits.length() - 2));
            minutes = Integer.parseInt(digits.substring(digits.length() - 2));
        }
        else {
            hours = Integer.parseInt(digits.substring(0, digits.length() - 4));
            minutes = Integer.parseInt(digits.substring(digits.length() - 4, digits.length() - 2));
            seconds = Integer.parseInt(digits.substring(digits.length() - 2));
        }
        return ZoneOffset.ofHoursMinutesSeconds(sign * hours, sign * minutes, sign * seconds);
    }

    /** {@code float8out}: the shortest text that reads back as the same double, in exponent form below 1e-4 and from 1e15. */
    static String formatDouble(double value)
    {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0.0) {
            return (1.0 / value) < 0 ? "-0" : "0";
        }
        BigDecimal shortest = shortestDecimal(value);
        BigDecimal magnitude = shortest.abs();
        String digits = magnitude.unscaledValue().toString();
        int exponent = digits.length() - 1 - magnitude.scale();
        String sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 15) {
            StringBuilder text = new StringBuilder(sign).append(digits.charAt(0));
            if (digits.length() > 1) {
                text.append('.').append(digits, 1, digits.length());
            }
            text.append('e').append(exponent < 0 ? '-' : '+');
            int absoluteExponent = Math.abs(exponent);
            if (absoluteExponent < 10) {
                text.append('0');
            }
            return text.append(absoluteExponent).toString();
        }
        return sign + magnitude.toPlainString();
    }

    private static BigDecimal shortestDecimal(double value)
    {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == value) {
                return candidate.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /** {@code float8} to {@code numeric}, which Postgres does through 15 significant digits. */
    static BigDecimal doubleToNumeric(double value)
    {
        BigDecimal rounded = new BigDecimal(value).round(FLOAT8_TO_NUMERIC).stripTrailingZeros();
        return normalizeScale(rounded);
    }

    static String formatNumeric(BigDecimal value)
    {
        return normalizeScale(value).toPlainString();
    }

    static BigDecimal normalizeScale(BigDecimal value)
    {
        // numeric has no negative scale: 1e3 is 1000, printed without an exponent
        return value.scale() < 0 ? value.setScale(0) : value;
    }

    static String formatTimestampWithTimeZone(OffsetDateTime value)
    {
        if (value.equals(OffsetDateTime.MAX)) {
            return "infinity";
        }
        if (value.equals(OffsetDateTime.MIN)) {
            return "-infinity";
        }
        LocalDateTime utc = value.atZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
        return formatDatePart(utc.toLocalDate()) + " " + formatTimePart(utc.toLocalTime()) + "+00" + era(utc.toLocalDate());
    }

    static String formatTimestamp(LocalDateTime value)
    {
        if (value.equals(LocalDateTime.MAX)) {
            return "infinity";
        }
        if (value.equals(LocalDateTime.MIN)) {
            return "-infinity";
        }
        return formatDatePart(value.toLocalDate()) + " " + formatTimePart(value.toLocalTime()) + era(value.toLocalDate());
    }

    static String formatDate(LocalDate value)
    {
        if (value.equals(LocalDate.MAX)) {
            return "infinity";
        }
        if (value.equals(LocalDate.MIN)) {
            return "-infinity";
        }
        return formatDatePart(value) + era(value);
    }

    private static String formatDatePart(LocalDate date)
    {
        int year = date.getYear() > 0 ? date.getYear() : 1 - date.getYear();
        return String.format(Locale.ROOT, "%04d-%02d-%02d", year, date.getMonthValue(), date.getDayOfMonth());
    }

    private static String era(LocalDate date)
    {
        return date.getYear() > 0 ? "" : " BC";
    }

    private static String formatTimePart(LocalTime time)
    {
        String text = String.format(Locale.ROOT, "%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond());
        int micros = time.getNano() / 1000;
        if (micros == 0) {
            return text;
        }
        String fraction = String.format(Locale.ROOT, "%06d", micros);
        int end = fraction.length();
        while (fraction.charAt(end - 1) == '0') {
            end--;
        }
        return text + "." + fraction.substring(0, end);
    }

    private static boolean hasNonZeroDigit(String number)
    {
        int end = number.length();
        int exponent = Math.max(number.indexOf('e'), number.indexOf('E'));
        if (exponent >= 0) {
            end = exponent;
        }
        for (int index = 0; index < end; index++) {
            char character = number.charAt(index);
            if (character >= '1' && character <= '9') {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code lower()} as Postgres computes it in a UTF-8 database with a libc or builtin collation
     * ({@code en_US.UTF-8}, {@code C.UTF-8}): each character mapped by Unicode's simple lower-case mapping.
     * Under the {@code "C"} collation Postgres maps ASCII letters only; under an ICU collation it uses the
     * full mappings, which differ for a few characters.
     */
    static String lower(String text)
    {
        StringBuilder result = new StringBuilder(text.length());
        text.codePoints().forEach(character -> result.appendCodePoint(Character.toLowerCase(character)));
        return result.toString();
    }

    /** {@code upper()}, with Unicode's simple upper-case mapping ({@code ß} stays {@code ß}); see {@link #lower}. */
    static String upper(String text)
    {
        StringBuilder result = new StringBuilder(text.length());
        text.codePoints().forEach(character -> result.appendCodePoint(Character.toUpperCase(character)));
        return result.toString();
    }

    // Postgres's input functions skip leading and trailing white space
    private static String trim(String text)
    {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isSpace(char character)
    {
        return character == ' ' || character == '\t' || character == '\n' || character == '\r' || character == '\f' || character == 0x0b;
    }
}
