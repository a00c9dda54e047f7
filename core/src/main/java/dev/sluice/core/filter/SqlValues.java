package dev.sluice.core.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.function.Supplier;

/**
 * The values an evaluation works with, and Postgres's rules for them: comparison across numeric
 * and date/time types, resolution of quoted literals against the other operand's type, and casts.
 * <p>
 * Values are {@code null} (SQL NULL), {@link Long} (every integer type: the evaluator computes in
 * {@code bigint}), {@link BigDecimal} ({@code numeric}), {@link Double} ({@code float8}, and the
 * {@code numeric} specials {@code NaN} and {@code ±Infinity}), {@link Boolean}, {@link String}
 * ({@code text}), {@link UnknownText} (a quoted literal), {@link OffsetDateTime},
 * {@link LocalDateTime}, {@link LocalDate}, {@link JsonNode} and {@link List} (an array; see {@link ArrayValues}).
 */
final class SqlValues
{
    private SqlValues() {}

    /** A row's value in the form evaluation uses, widening the Java types a data plane may hand out. */
    static Object fromRow(String column, Object value)
    {
        if (value == null || value instanceof Long || value instanceof Double || value instanceof Boolean || value instanceof String
                || value instanceof OffsetDateTime || value instanceof LocalDateTime || value instanceof LocalDate) {
            return value;
        }
        if (value instanceof BigDecimal decimal) {
            return PostgresText.normalizeScale(decimal);
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float number) {
            return number.doubleValue();
        }
        if (value instanceof BigInteger integer) {
            return new BigDecimal(integer);
        }
        if (value instanceof Instant instant) {
            return instant.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof ZonedDateTime dateTime) {
            return dateTime.toOffsetDateTime();
        }
        if (value instanceof JsonNode node) {
            return node.isMissingNode() ? null : node;
        }
        if (value instanceof List<?> array) {
            return ArrayValues.map(array, element -> fromRow(column, element));
        }
        throw new FilterEvaluationException("column \"" + column + "\" holds a value of a type filters do not support: " + value.getClass().getName());
    }

    static String typeName(Object value)
    {
        if (value instanceof Long) {
            return "bigint";
        }
        if (value instanceof BigDecimal) {
            return "numeric";
        }
        if (value instanceof Double) {
            return "double precision";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof String) {
            return "text";
        }
        if (value instanceof UnknownText) {
            return "unknown";
        }
        if (value instanceof OffsetDateTime) {
            return "timestamp with time zone";
        }
        if (value instanceof LocalDateTime) {
            return "timestamp without time zone";
        }
        if (value instanceof LocalDate) {
            return "date";
        }
        if (value instanceof JsonNode) {
            return "jsonb";
        }
        if (value instanceof List<?> array) {
            Object sample = ArrayValues.sample(array);
            return sample == null ? "anyarray" : typeName(sample) + "[]";
        }
        return value == null ? "unknown" : value.getClass().getSimpleName();
    }

    static boolean isNumber(Object value)
    {
        return value instanceof Long || value instanceof BigDecimal || value instanceof Double;
    }

    static boolean isText(Object value)
    {
        return value instanceof String || value instanceof UnknownText;
    }

    static String text(Object value)
    {
        return value instanceof UnknownText unknown ? unknown.value() : (String) value;
    }

    /**
     * Reads a quoted literal as the type of {@code typed}, as Postgres does when one operand of an
     * operator is {@code unknown}; two quoted literals compare as text.
     */
    static Object resolve(Object value, Object typed)
    {
        if (!(value instanceof UnknownText unknown)) {
            return value;
        }
        String text = unknown.value();
        if (typed instanceof List<?> array) {
            return ArrayValues.resolve(ArrayValues.parse(text), array);
        }
        if (typed instanceof Long) {
            return PostgresText.parseInteger(text, true);
        }
        if (typed instanceof BigDecimal) {
            return PostgresText.parseNumeric(text);
        }
        if (typed instanceof Double) {
            return PostgresText.parseDouble(text);
        }
        if (typed instanceof Boolean) {
            return PostgresText.parseBoolean(text);
        }
        if (typed instanceof OffsetDateTime) {
            return PostgresText.parseTimestampWithTimeZone(text);
        }
        if (typed instanceof LocalDateTime) {
            return PostgresText.parseTimestamp(text);
        }
        if (typed instanceof LocalDate) {
            return PostgresText.parseDate(text);
        }
        if (typed instanceof JsonNode) {
            return JsonValues.parse(text);
        }
        return text;
    }

    /** {@code left <operator> right} for two non-null values; JSON supports only equality. */
    static boolean compare(Object left, Object right, ComparisonOperator operator)
    {
        Object resolvedLeft = resolve(left, right);
        Object resolvedRight = resolve(right, left);
        if (resolvedLeft instanceof JsonNode leftJson && resolvedRight instanceof JsonNode rightJson) {
            if (!operator.isEquality()) {
                throw new FilterEvaluationException("ordering comparisons of json values are not supported in filters;"
                        + " extract a value with ->> and cast it");
            }
            boolean equal = JsonValues.equal(leftJson, rightJson);
            return operator == ComparisonOperator.EQUAL ? equal : !equal;
        }
        if (resolvedLeft instanceof List<?> leftArray && resolvedRight instanceof List<?> rightArray) {
            return operator.test(ArrayValues.compare(leftArray, rightArray));
        }
        return operator.test(compareOrdered(resolvedLeft, resolvedRight, operator.sql()));
    }

    private static int compareOrdered(Object left, Object right, String operator)
    {
        if (left instanceof Long leftLong && right instanceof Long rightLong) {
            return Long.compare(leftLong, rightLong);
        }
        if (isNumber(left) && isNumber(right)) {
            // Postgres compares a float8 with any other number as float8, and integers with numeric exactly
            if (left instanceof Double || right instanceof Double) {
                return compareDoubles(toDouble(left), toDouble(right));
            }
            return toDecimal(left).compareTo(toDecimal(right));
        }
        if (isText(left) && isText(right)) {
            return compareCodePoints(text(left), text(right));
        }
        if (left instanceof Boolean leftBoolean && right instanceof Boolean rightBoolean) {
            return Boolean.compare(leftBoolean, rightBoolean);
        }
        if (isDateTime(left) && isDateTime(right)) {
            return compareDateTimes(left, right);
        }
        throw new FilterEvaluationException("operator does not exist: " + typeName(left) + " " + operator + " " + typeName(right));
    }

    /** Code point order, which is the order of the UTF-8 bytes and so of the {@code "C"} collation. */
    static int compareCodePoints(String left, String right)
    {
        int leftIndex = 0;
        int rightIndex = 0;
        while (leftIndex < left.length() && rightIndex < right.length()) {
            int leftCharacter = left.codePointAt(leftIndex);
            int rightCharacter = right.codePointAt(rightIndex);
            if (leftCharacter != rightCharacter) {
                return Integer.compare(leftCharacter, rightCharacter);
            }
            leftIndex += Character.charCount(leftCharacter);
            rightIndex += Character.charCount(rightCharacter);
        }
        return Boolean.compare(leftIndex < left.length(), rightIndex < right.length());
    }

    /** {@code float8} order: NaN equals NaN and sorts above everything, and -0 equals 0. */
    static int compareDoubles(double left, double right)
    {
        if (Double.isNaN(left)) {
            return Double.isNaN(right) ? 0 : 1;
        }
        if (Double.isNaN(right)) {
            return -1;
        }
        return left < right ? -1 : (left > right ? 1 : 0);
    }

    private static boolean isDateTime(Object value)
    {
        return value instanceof OffsetDateTime || value instanceof LocalDateTime || value instanceof LocalDate;
    }

    private static int compareDateTimes(Object left, Object right)
    {
        if (left instanceof OffsetDateTime || right instanceof OffsetDateTime) {
            return toInstant(left).compareTo(toInstant(right));
        }
        if (left instanceof LocalDateTime || right instanceof LocalDateTime) {
            return toLocalDateTime(left).compareTo(toLocalDateTime(right));
        }
        return ((LocalDate) left).compareTo((LocalDate) right);
    }

    private static Instant toInstant(Object value)
    {
        if (value instanceof OffsetDateTime dateTime) {
            return dateTime.toInstant();
        }
        // a date or timestamp without time zone is read in the session time zone, UTC
        return toLocalDateTime(value).toInstant(ZoneOffset.UTC);
    }

    private static LocalDateTime toLocalDateTime(Object value)
    {
        if (value instanceof LocalDate date) {
            return date.atStartOfDay();
        }
        return (LocalDateTime) value;
    }

    static double toDouble(Object number)
    {
        if (number instanceof Double value) {
            return value;
        }
        if (number instanceof Long value) {
            return value.doubleValue();
        }
        double value = ((BigDecimal) number).doubleValue();
        if (Double.isInfinite(value)) {
            throw new FilterEvaluationException("value out of range for type double precision");
        }
        return value;
    }

    static BigDecimal toDecimal(Object number)
    {
        if (number instanceof BigDecimal value) {
            return value;
        }
        return BigDecimal.valueOf((Long) number);
    }

    /** {@code CAST(value AS type[])} for a non-null value: an array literal or an array, element by element. */
    static List<Object> castArray(Object value, CastType type)
    {
        List<?> array;
        if (isText(value)) {
            array = ArrayValues.parse(text(value));
        }
        else if (value instanceof List<?> list) {
            array = list;
        }
        else {
            throw cannotCast(value, type.sql() + "[]");
        }
        return ArrayValues.map(array, element -> cast(element, type));
    }

    /** {@code CAST(value AS type)} for a non-null value. */
    static Object cast(Object value, CastType type)
    {
        if (value instanceof List<?> && type != CastType.TEXT) {
            throw cannotCast(value, type.sql());
        }
        return switch (type) {
            case INTEGER -> castToInteger(value, false);
            case BIGINT -> castToInteger(value, true);
            case NUMERIC -> castToNumeric(value);
            case DOUBLE_PRECISION -> castToDouble(value);
            case TEXT -> castToText(value);
            case BOOLEAN -> castToBoolean(value);
            case TIMESTAMP_WITH_TIME_ZONE -> castToTimestampWithTimeZone(value);
            case TIMESTAMP -> castToTimestamp(value);
            case DATE -> castToDate(value);
            case JSONB -> castToJson(value);
        };
    }

    private static Object castToInteger(Object value, boolean bigint)
    {
        String typeName = bigint ? "bigint" : "integer";
        if (isText(value)) {
            return PostgresText.parseInteger(text(value), bigint);
        }
        BigDecimal number;
        if (value instanceof Long integer) {
            number = BigDecimal.valueOf(integer);
        }
        else if (value instanceof BigDecimal decimal) {
            // numeric rounds half away from zero
            number = decimal.setScale(0, RoundingMode.HALF_UP);
        }
        else if (value instanceof Double floating) {
            if (Double.isNaN(floating) || Double.isInfinite(floating)) {
                throw new FilterEvaluationException(typeName + " out of range");
            }
            // float8 rounds half to even
            number = new BigDecimal(Math.rint(floating));
        }
        else if (value instanceof Boolean flag && !bigint) {
            return flag ? 1L : 0L;
        }
        else if (value instanceof JsonNode node) {
            if (!node.isNumber()) {
                throw new FilterEvaluationException("cannot cast jsonb " + JsonValues.typeName(node) + " to type " + typeName);
            }
            number = JsonValues.number(node).setScale(0, RoundingMode.HALF_UP);
        }
        else {
            throw cannotCast(value, typeName);
        }
        BigDecimal minimum = BigDecimal.valueOf(bigint ? Long.MIN_VALUE : Integer.MIN_VALUE);
        BigDecimal maximum = BigDecimal.valueOf(bigint ? Long.MAX_VALUE : Integer.MAX_VALUE);
        if (number.compareTo(minimum) < 0 || number.compareTo(maximum) > 0) {
            throw new FilterEvaluationException(typeName + " out of range");
        }
        return number.longValueExact();
    }

    private static Object castToNumeric(Object value)
    {
        if (isText(value)) {
            return PostgresText.parseNumeric(text(value));
        }
        if (value instanceof Long integer) {
            return BigDecimal.valueOf(integer);
        }
        if (value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Double floating) {
            if (Double.isNaN(floating) || Double.isInfinite(floating)) {
                return floating;
            }
            return PostgresText.doubleToNumeric(floating);
        }
        if (value instanceof JsonNode node) {
            if (!node.isNumber()) {
                throw new FilterEvaluationException("cannot cast jsonb " + JsonValues.typeName(node) + " to type numeric");
            }
            return JsonValues.number(node);
        }
        throw cannotCast(value, "numeric");
    }

    private static Object castToDouble(Object value)
    {
        if (isText(value)) {
            return PostgresText.parseDouble(text(value));
        }
        if (isNumber(value)) {
            return toDouble(value);
        }
        if (value instanceof JsonNode node) {
            if (!node.isNumber()) {
                throw new FilterEvaluationException("cannot cast jsonb " + JsonValues.typeName(node) + " to type double precision");
            }
            return toDouble(JsonValues.number(node));
        }
        throw cannotCast(value, "double precision");
    }

    static String castToText(Object value)
    {
        if (isText(value)) {
            return text(value);
        }
        if (value instanceof Long integer) {
            return integer.toString();
        }
        if (value instanceof BigDecimal decimal) {
            return PostgresText.formatNumeric(decimal);
        }
        if (value instanceof Double floating) {
            return PostgresText.formatDouble(floating);
        }
        if (value instanceof Boolean flag) {
            return flag ? "true" : "false";
        }
        if (value instanceof OffsetDateTime dateTime) {
            return PostgresText.formatTimestampWithTimeZone(dateTime);
        }
        if (value instanceof LocalDateTime dateTime) {
            return PostgresText.formatTimestamp(dateTime);
        }
        if (value instanceof LocalDate date) {
            return PostgresText.formatDate(date);
        }
        if (value instanceof JsonNode node) {
            return JsonValues.format(node);
        }
        if (value instanceof List<?> array) {
            return ArrayValues.format(array);
        }
        throw cannotCast(value, "text");
    }

    private static Object castToBoolean(Object value)
    {
        if (value instanceof Boolean) {
            return value;
        }
        if (isText(value)) {
            return PostgresText.parseBoolean(text(value));
        }
        if (value instanceof Long integer) {
            return integer != 0;
        }
        if (value instanceof JsonNode node) {
            if (!node.isBoolean()) {
                throw new FilterEvaluationException("cannot cast jsonb " + JsonValues.typeName(node) + " to type boolean");
            }
            return node.booleanValue();
        }
        throw cannotCast(value, "boolean");
    }

    private static Object castToTimestampWithTimeZone(Object value)
    {
        if (isText(value)) {
            return PostgresText.parseTimestampWithTimeZone(text(value));
        }
        if (value instanceof OffsetDateTime) {
            return value;
        }
        if (value instanceof LocalDateTime dateTime) {
            return infinity(dateTime, LocalDateTime.MAX, LocalDateTime.MIN, OffsetDateTime.MAX, OffsetDateTime.MIN, () -> dateTime.atOffset(ZoneOffset.UTC));
        }
        if (value instanceof LocalDate date) {
            return infinity(date, LocalDate.MAX, LocalDate.MIN, OffsetDateTime.MAX, OffsetDateTime.MIN, () -> date.atStartOfDay().atOffset(ZoneOffset.UTC));
        }
        throw cannotCast(value, "timestamp with time zone");
    }

    private static Object castToTimestamp(Object value)
    {
        if (isText(value)) {
            return PostgresText.parseTimestamp(text(value));
        }
        if (value instanceof LocalDateTime) {
            return value;
        }
        if (value instanceof OffsetDateTime dateTime) {
            return infinity(dateTime, OffsetDateTime.MAX, OffsetDateTime.MIN, LocalDateTime.MAX, LocalDateTime.MIN,
                    () -> dateTime.atZoneSameInstant(ZoneOffset.UTC).toLocalDateTime());
        }
        if (value instanceof LocalDate date) {
            return infinity(date, LocalDate.MAX, LocalDate.MIN, LocalDateTime.MAX, LocalDateTime.MIN, date::atStartOfDay);
        }
        throw cannotCast(value, "timestamp without time zone");
    }

    private static Object castToDate(Object value)
    {
        if (isText(value)) {
            return PostgresText.parseDate(text(value));
        }
        if (value instanceof LocalDate) {
            return value;
        }
        if (value instanceof LocalDateTime dateTime) {
            return infinity(dateTime, LocalDateTime.MAX, LocalDateTime.MIN, LocalDate.MAX, LocalDate.MIN, dateTime::toLocalDate);
        }
        if (value instanceof OffsetDateTime dateTime) {
            return infinity(dateTime, OffsetDateTime.MAX, OffsetDateTime.MIN, LocalDate.MAX, LocalDate.MIN,
                    () -> dateTime.atZoneSameInstant(ZoneOffset.UTC).toLocalDate());
        }
        throw cannotCast(value, "date");
    }

    // ±infinity stays infinity across date/time types
    private static Object infinity(Object value, Object maximum, Object minimum, Object targetMaximum, Object targetMinimum, Supplier<Object> convert)
    {
        if (value.equals(maximum)) {
            return targetMaximum;
        }
        if (value.equals(minimum)) {
            return targetMinimum;
        }
        return convert.get();
    }

    private static Object castToJson(Object value)
    {
        if (isText(value)) {
            return JsonValues.parse(text(value));
        }
        if (value instanceof JsonNode) {
            return value;
        }
        throw cannotCast(value, "jsonb");
    }

    private static FilterEvaluationException cannotCast(Object value, String typeName)
    {
        return new FilterEvaluationException("cannot cast type " + typeName(value) + " to " + typeName);
    }
}
