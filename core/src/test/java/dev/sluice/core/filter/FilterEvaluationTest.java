package dev.sluice.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static dev.sluice.core.filter.TruthValue.FALSE;
import static dev.sluice.core.filter.TruthValue.TRUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterEvaluationTest
{
    private static final Row ROW = row();

    @ParameterizedTest
    @CsvSource({
            "t, t, TRUE,    TRUE",
            "t, f, FALSE,   TRUE",
            "t, n, UNKNOWN, TRUE",
            "f, t, FALSE,   TRUE",
            "f, f, FALSE,   FALSE",
            "f, n, FALSE,   UNKNOWN",
            "n, t, UNKNOWN, TRUE",
            "n, f, FALSE,   UNKNOWN",
            "n, n, UNKNOWN, UNKNOWN",
    })
    void andAndOrFollowThreeValuedLogic(String left, String right, TruthValue and, TruthValue or)
    {
        assertThat(evaluate(left + " AND " + right)).isEqualTo(and);
        assertThat(evaluate(left + " OR " + right)).isEqualTo(or);
        assertThat(evaluate(left + " AND " + right + " AND t")).isEqualTo(and);
        assertThat(evaluate("f OR " + left + " OR " + right)).isEqualTo(or);
    }

    @ParameterizedTest
    @CsvSource({
            "t, FALSE,   TRUE,  FALSE, FALSE, TRUE,  FALSE",
            "f, TRUE,    FALSE, TRUE,  TRUE,  FALSE, FALSE",
            "n, UNKNOWN, FALSE, TRUE,  FALSE, TRUE,  TRUE",
    })
    void notAndIsTestsFollowThreeValuedLogic(String operand, TruthValue not, TruthValue isTrue, TruthValue isNotTrue, TruthValue isFalse,
            TruthValue isNotFalse, TruthValue isUnknown)
    {
        assertThat(evaluate("NOT " + operand)).isEqualTo(not);
        assertThat(evaluate(operand + " IS TRUE")).isEqualTo(isTrue);
        assertThat(evaluate(operand + " IS NOT TRUE")).isEqualTo(isNotTrue);
        assertThat(evaluate(operand + " IS FALSE")).isEqualTo(isFalse);
        assertThat(evaluate(operand + " IS NOT FALSE")).isEqualTo(isNotFalse);
        assertThat(evaluate(operand + " IS UNKNOWN")).isEqualTo(isUnknown);
    }

    @Test
    void keepsOnlyRowsWhereTheConditionIsTrue()
    {
        assertThat(Filter.parse("t").matches(ROW)).isTrue();
        assertThat(Filter.parse("f").matches(ROW)).isFalse();
        assertThat(Filter.parse("n").matches(ROW)).isFalse();
        assertThat(Filter.parse("NOT n").matches(ROW)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "i4 = NULL                      | UNKNOWN",
            "NULL = NULL                    | UNKNOWN",
            "nothing IS NULL                | TRUE",
            "nothing IS NOT NULL            | FALSE",
            "nothing + 1 > 0                | UNKNOWN",
            "nothing::text = 'a'            | UNKNOWN",
            "i4 IN (1, NULL)                | UNKNOWN",
            "i4 IN (42, NULL)               | TRUE",
            "i4 NOT IN (1, NULL)            | UNKNOWN",
            "i4 NOT IN (1, 2)               | TRUE",
            "nothing IN (1)                 | UNKNOWN",
            "i4 BETWEEN 1 AND NULL          | UNKNOWN",
            "i4 BETWEEN 50 AND NULL         | FALSE",
            "i4 NOT BETWEEN 50 AND NULL     | TRUE",
            "i4 NOT BETWEEN 1 AND 100       | FALSE",
            "nothing IS DISTINCT FROM NULL  | FALSE",
            "nothing IS DISTINCT FROM 1     | TRUE",
            "i4 IS NOT DISTINCT FROM 42     | TRUE",
            "nothing LIKE 'a'               | UNKNOWN",
    })
    void propagatesNull(String filter, TruthValue expected)
    {
        assertThat(evaluate(filter)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "i4 = 42", "i8 = 42", "decimal = 42", "float = 42", "i4 = i8", "i4 = decimal", "decimal = float", "i4 = 42.00", "decimal = 42",
            "small = 42", "big = 42", "real = 42",
            "float = 0.1e0 * 420", "tenth = 0.1", "tenth = 0.10", "tenth_double = 0.1", "tenth_double = tenth",
            "max_long = 9223372036854775807", "max_long < 9223372036854775808", "max_long + 0.5 > max_long",
            "unsafe_long <> 9007199254740992", "unsafe_long = 9007199254740992::float8",
            "nan = 'NaN'", "nan > 1e308", "nan > 'Infinity'::float8", "negative_zero = 0",
            "i4 = '42'", "i4 = ' +42 '", "decimal = '42.0'", "float = '4.2e1'", "flag = 'yes'", "flag = 'TR'", "NOT flag = 'of'", "flag <> '0'",
            "day = '2024-01-31'", "day < '2024-02-01 10:00'", "instant > '2024-01-31'", "instant = '2024-01-31 12:00:00+02'",
            "instant = '2024-01-31T10:00:00Z'", "shifted = instant", "local = '2024-01-31 10:00'", "instant > day", "local > day", "instant = local",
            "'b' > 'a'", "'a' > 'B'", "txt = 'paid'", "'\uD83D\uDE00' > '\uFF5A'", "'' < 'a'", "'ab' > 'a'",
            "meta = '{\"n\": 2.5, \"region\": \"eu\", \"tags\": [\"a\", \"b\"], \"none\": null, \"nested\": {\"k\": \"v\"}}'",
    })
    void comparesLikePostgres(String filter)
    {
        assertThat(evaluate(filter)).as(filter).isEqualTo(TRUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "txt LIKE 'paid'", "txt LIKE 'p%'", "txt LIKE '%d'", "txt LIKE 'p__d'", "txt LIKE '%'", "'' LIKE '%'", "NOT '' LIKE '_'",
            "'a%b' LIKE 'a\\%b'", "NOT 'axb' LIKE 'a\\%b'", "'a_b' LIKE 'a\\_b'", "NOT 'axb' LIKE 'a\\_b'", "'a\\b' LIKE 'a\\\\b'",
            "'a\\b' LIKE 'a\\b' ESCAPE ''", "'a%b' LIKE 'a!%b' ESCAPE '!'", "'x%' LIKE 'x%%' ESCAPE '%'",
            "'\uD83D\uDE00' LIKE '_'", "'aaa' LIKE '%a%a'", "'abcabd' LIKE '%abd'", "'ab' LIKE 'a%b%'", "'abc' LIKE 'a%%c'",
            "txt ILIKE 'PAID'", "txt ILIKE 'P%'", "txt NOT LIKE 'PAID'", "'\u00C4' ILIKE '\u00E4'", "'\u00DCBER' ILIKE '\u00FC%'", "'\u00DCn\u00EFcode' ILIKE '\u00FCN%'", "NOT '\u00C4' LIKE '\u00E4'", "'line\nbreak' LIKE 'line_break'",
    })
    void matchesLikePatternsLikePostgres(String filter)
    {
        assertThat(evaluate(filter)).as(filter).isEqualTo(TRUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "meta->>'region' = 'eu'", "meta->'region' = '\"eu\"'", "meta->>'missing' IS NULL", "meta->'missing' IS NULL",
            "meta->'none' IS NOT NULL", "meta->>'none' IS NULL", "meta->'tags'->>0 = 'a'", "meta->'tags'->>-1 = 'b'",
            "meta->'tags'->>2 IS NULL", "meta->'tags'->>-3 IS NULL", "meta->0 IS NULL", "meta->'tags'->'x' IS NULL",
            "meta->>'n' = '2.50'", "meta->'n' = '2.5'", "(meta->>'n')::numeric = 2.5", "(meta->'n')::numeric = 2.50", "(meta->'n')::int = 3",
            "meta->>'nested' = '{\"k\": \"v\"}'", "meta->'nested'->>'k' = 'v'", "meta->>'tags' = '[\"a\", \"b\"]'",
            "meta->'tags' = '[\"a\",\"b\"]'", "scalar->>0 = 'x'", "scalar->>'x' IS NULL", "meta->>missing_key IS NULL",
    })
    void readsJsonLikeJsonb(String filter)
    {
        assertThat(evaluate(filter)).as(filter).isEqualTo(TRUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "'yes'::boolean", "NOT 'off'::boolean", "' t '::boolean", "1::boolean", "NOT 0::boolean", "2.5::int = 3", "(-2.5)::int = -3",
            "2.5::float8::int = 2", "3.5::float8::int = 4", "'12'::int = 12", "' 12 '::bigint = 12", "'1.50'::numeric::text = '1.50'",
            "'1e3'::numeric::text = '1000'", "0.1::float8::numeric::text = '0.1'", "1e15::float8::text = '1e+15'",
            "0.0001::float8::text = '0.0001'", "0.00001::float8::text = '1e-05'", "'-0'::float8::text = '-0'", "100.50::text = '100.50'",
            "TRUE::text = 'true'", "42::text = '42'", "'2024-01-31 10:00:00.5+02'::timestamptz::text = '2024-01-31 08:00:00.5+00'",
            "'2024-01-01 10:00+05'::timestamp::text = '2024-01-01 10:00:00'", "'2024-01-01 23:30-05'::date::text = '2024-01-01'",
            "'2024-01-01T00:00:00.1234567Z'::timestamptz::text = '2024-01-01 00:00:00.123457+00'",
            "'2024-01-01 24:00'::timestamptz = '2024-01-02'", "'epoch'::timestamptz::text = '1970-01-01 00:00:00+00'",
            "'0044-03-15 BC'::date < '0001-01-01'", "'0044-03-15 BC'::date::text = '0044-03-15 BC'",
            "'{\"b\": 1, \"a\": 2, \"aa\": 3}'::jsonb::text = '{\"a\": 2, \"b\": 1, \"aa\": 3}'",
            "'{\"s\": \"x\\u0001\"}'::jsonb::text = '{\"s\": \"x\\u0001\"}'", "instant::date = '2024-01-31'",
            "CAST(day AS timestamp with time zone) = '2024-01-31 00:00:00+00'", "txt::varchar = 'paid'",
    })
    void castsLikePostgres(String filter)
    {
        assertThat(evaluate(filter)).as(filter).isEqualTo(TRUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "7 / 2 = 3", "-7 / 2 = -3", "7 / -2 = -3", "7.0 / 2 = 3.5", "(1 / 3.0)::text = '0.33333333333333333333'",
            "(10 / 4.0)::text = '2.5000000000000000'", "(0.000123 / 7)::text = '0.000017571428571428571429'",
            "(12345678 / 0.0001)::text = '123456780000.00000000'", "(2 / 3.0)::text = '0.66666666666666666667'",
            "1.5 * 1.5 = 2.25", "(1.50 * 2)::text = '3.00'", "(1.5 + 1)::text = '2.5'", "i4 + i8 = 84", "-i4 = -42", "-(-1) > 0",
            "float / 4 = 10.5", "decimal - 0.5 = 41.5",
    })
    void computesLikePostgres(String filter)
    {
        assertThat(evaluate(filter)).as(filter).isEqualTo(TRUE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "i4 = 'forty-two'                   | invalid input syntax for type bigint: \"forty-two\"",
            "flag = 'o'                         | invalid input syntax for type boolean: \"o\"",
            "day = 'Jan 31 2024'                | invalid input syntax for type date",
            "day = '2024-02-30'                 | date/time field value out of range",
            "txt = i4                           | operator does not exist: text = bigint",
            "txt > 1                            | operator does not exist: text > bigint",
            "txt::int > 0                       | invalid input syntax for type integer: \"paid\"",
            "'3000000000'::int > 0              | value \"3000000000\" is out of range for type integer",
            "max_long::int = 0                  | integer out of range",
            "1 / (i4 - 42) = 0                  | division by zero",
            "1.0 / 0 = 0                        | division by zero",
            "max_long + 1 > 0                    | bigint out of range",
            "1e300::float8 * 1e300 > 0          | value out of range: overflow",
            "1e-300::float8 * 1e-300 > 0        | value out of range: underflow",
            "'1e400'::float8 > 0                | is out of range for type double precision",
            "txt LIKE 'abc\\'                   | LIKE pattern must not end with escape character",
            "i4::text LIKE i4                   | operator does not exist: text ~~ bigint",
            "meta->'region' > '\"a\"'           | ordering comparisons of json values are not supported",
            "txt->'a' IS NULL                   | operator does not exist: text -> unknown",
            "(meta->'region')::numeric > 0      | cannot cast jsonb string to type numeric",
            "'{'::jsonb IS NULL                 | invalid input syntax for type json",
            "i4 AND t                           | argument of AND must be type boolean, not type bigint",
            "txt                                | argument of WHERE must be type boolean, not type text",
            "flag::date IS NULL                 | cannot cast type boolean to date",
            "missing = 1                        | column \"missing\" does not exist in the row",
            "uuid IS NULL                       | column \"uuid\" holds a value of a type filters do not support: java.util.UUID",
    })
    void failsWherePostgresFails(String filter, String message)
    {
        assertThatThrownBy(() -> Filter.parse(filter).matches(ROW))
                .isInstanceOf(FilterEvaluationException.class)
                .hasMessageContaining(message);
    }

    @Test
    void stopsAtTheFirstOperandThatDecides()
    {
        // as in Postgres in practice: the failing cast on the right is never reached
        assertThat(evaluate("f AND txt::int > 0")).isEqualTo(FALSE);
        assertThat(evaluate("t OR txt::int > 0")).isEqualTo(TRUE);
    }

    @Test
    void readsRowsBuiltFromMaps()
    {
        Map<String, Object> values = new HashMap<>();
        values.put("a", null);
        Row row = Row.of(values);

        assertThat(row.has("a")).isTrue();
        assertThat(row.has("b")).isFalse();
        assertThat(Filter.parse("a IS NULL").evaluate(row)).isEqualTo(TRUE);
    }

    private static TruthValue evaluate(String filter)
    {
        return Filter.parse(filter).evaluate(ROW);
    }

    private static Row row()
    {
        Map<String, Object> values = new HashMap<>();
        values.put("t", true);
        values.put("f", false);
        values.put("n", null);
        values.put("nothing", null);
        values.put("i4", 42);
        values.put("i8", 42L);
        values.put("small", (short) 42);
        values.put("big", BigInteger.valueOf(42));
        values.put("real", 42.0f);
        values.put("decimal", new BigDecimal("42.0"));
        values.put("float", 42.0);
        values.put("tenth", new BigDecimal("0.1"));
        values.put("tenth_double", 0.1);
        values.put("max_long", Long.MAX_VALUE);
        values.put("unsafe_long", 9007199254740993L);
        values.put("nan", Double.NaN);
        values.put("negative_zero", -0.0);
        values.put("flag", true);
        values.put("txt", "paid");
        values.put("day", LocalDate.of(2024, 1, 31));
        values.put("local", LocalDateTime.of(2024, 1, 31, 10, 0));
        values.put("instant", Instant.parse("2024-01-31T10:00:00Z"));
        values.put("shifted", OffsetDateTime.of(2024, 1, 31, 12, 0, 0, 0, ZoneOffset.ofHours(2)));
        values.put("meta", json("{\"region\": \"eu\", \"n\": 2.50, \"tags\": [\"a\", \"b\"], \"none\": null, \"nested\": {\"k\": \"v\"}}"));
        values.put("scalar", json("\"x\""));
        values.put("missing_key", "absent");
        values.put("uuid", UUID.randomUUID());
        return Row.of(values);
    }

    private static JsonNode json(String text)
    {
        return JsonValues.parse(text);
    }
}
