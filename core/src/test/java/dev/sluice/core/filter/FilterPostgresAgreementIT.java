package dev.sluice.core.filter;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs each filter both ways against the same rows: as text in a Postgres {@code WHERE} clause, and
 * in Java on the rows read back over JDBC; then once more as the SQL {@link Filter#toSql()} renders.
 * All three must keep the same rows. The database is UTF-8 with the glibc collation {@code C.utf8} (code point order,
 * Unicode case mapping) and the session time zone UTC, which are the evaluator's assumptions.
 */
class FilterPostgresAgreementIT
{
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private static final String[] INTEGERS = {null, "0", "1", "-1", "42", "100", "7", "13", "2147483647", "-2147483648"};
    private static final String[] BIGINTS = {null, "0", "1", "-1", "42", "5000000000", "9000000000000000000", "-9000000000000000000"};
    private static final String[] NUMERICS = {null, "0", "100.5", "100.50", "-3.25", "0.1", "101", "2.5", "33.333", "12345678901234.5678", "0.00000000000000000001"};
    private static final String[] DOUBLES = {null, "0", "-0", "0.1", "100.5", "2.5", "-7.25", "1e300", "1e-300", "1e15", "123456789.125", "NaN", "Infinity", "-Infinity"};
    private static final String[] TEXTS = {null, "", "paid", "Paid", "PAID", "urgent note", "%", "_", "a%b", "a_b", "axb", "ä", "Ä", "Ünïcödé", "日本",
            "\uD83D\uDE00", "\uFF5A", "a\\b", "it's", "100", "  padded  ", "t", "tab\there", "b", "Z", "zz",
            "\u00DCBER", "\u00DCn\u00EFcode", "\u00FCber", "stra\u00DFe", "STRASSE", "\u0130stanbul", "\u03A3\u038A\u03A3\u03A5\u03A6\u039F\u03A3", "\u01C5ungla",
            "\u00C9T\u00C9", "\u00E9t\u00E9"};
    private static final String[] TAGS = {null, "{}", "{a}", "{a,b}", "{b,c}", "{A,\u00FC}", "{NULL}", "{a,NULL}", "{\"x y\",\"\"}", "{\u00DC,stra\u00DFe}", "{paid,PAID}"};
    private static final String[] NUMS = {null, "{}", "{1,2,3}", "{7}", "{NULL,1}", "{-1,42}", "{{1,2},{3,4}}", "{42}"};
    private static final String[] BOOLEANS = {null, "true", "false"};
    private static final String[] JSONS = {null, "{}", "{\"region\": \"eu\", \"n\": 1}", "{\"region\": \"us\", \"n\": 2.50, \"tags\": [\"a\", \"b\"]}",
            "{\"region\": null}", "[1, 2, 3]", "\"scalar\"", "{\"nested\": {\"k\": \"v\"}, \"n\": -3}", "{\"n\": 5}", "{\"region\": \"EU\", \"tags\": []}",
            "{\"flag\": true}", "{\"n\": 1e3}", "42", "null", "{\"b\": 1, \"a\": 2, \"aa\": 3}", "{\"s\": \"x\\ny\"}", "{\"region\": \"eu\", \"n\": 1.0}"};
    private static final String[] TIMESTAMPS = {null, "2024-01-01 00:00:00+00", "2024-06-30 23:59:59.999999+00", "1999-12-31 23:00:00-05",
            "2024-01-01 12:30:00+05:30", "1970-01-01 00:00:00+00", "2000-02-29 10:00:00.5+00", "infinity", "-infinity"};
    private static final String[] DATES = {null, "2024-01-01", "2000-02-29", "1970-01-01", "1999-12-31", "2024-06-30", "0044-03-15 BC"};
    private static final String[] ODD_NAMES = {null, "x", "y"};
    private static final int GENERATED_ROWS = 600;

    private static EmbeddedPostgres postgres;
    private static Connection connection;
    private static Map<Integer, Row> rows;

    @BeforeAll
    static void start()
            throws IOException, SQLException
    {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection administration = postgres.getPostgresDatabase().getConnection();
                Statement statement = administration.createStatement()) {
            // a UTF-8 database whose collation orders text by code point, as filters do, and folds case by Unicode
            statement.execute("CREATE DATABASE filters TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.utf8' LC_CTYPE 'C.utf8'");
        }
        connection = postgres.getDatabase("postgres", "filters").getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TIME ZONE 'UTC'");
            statement.execute("CREATE TABLE t (id int4 PRIMARY KEY, i4 int4, i8 int8, num numeric, f8 float8, txt text, flag boolean,"
                    + " meta jsonb, ts timestamptz, d date, \"Odd \"\"Name\"\"\" text, tags text[], nums int4[])");
        }
        insertRows();
        rows = readRows();
    }

    @AfterAll
    static void stop()
            throws IOException, SQLException
    {
        if (connection != null) {
            connection.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static Stream<String> filters()
    {
        return Stream.of(
                // text, compared in code point order as under COLLATE "C"
                "txt = 'paid'",
                "txt <> 'paid'",
                "txt < 'b'",
                "txt >= 'Z'",
                "txt > '\uFF5A'",
                "txt BETWEEN 'a' AND 'p'",
                "txt = 'it''s'",
                "txt IN ('paid', 'PAID', '')",
                "txt NOT IN ('paid', NULL)",
                "txt IS DISTINCT FROM 'paid'",
                "txt > i4::text",
                // LIKE and ILIKE
                "txt LIKE 'a\\%b'",
                "txt LIKE '%\\_%'",
                "txt LIKE 'a_b'",
                "txt ILIKE 'paid'",
                "txt NOT ILIKE '%PAI%'",
                "txt LIKE '%'",
                "txt LIKE ''",
                "txt ILIKE '\u00E4%'",
                "txt LIKE 'a!%b' ESCAPE '!'",
                "txt LIKE 'a\\\\b'",
                "txt LIKE '%d%' ESCAPE ''",
                "meta->>'s' LIKE 'x_y'",
                // integers, numeric and float8, compared exactly across types
                "i4 > 0",
                "i4 = 42 OR i8 = 42",
                "i4 = '42'",
                "i4 IN ('7', 13)",
                "i4 IN (0, NULL)",
                "i4 NOT IN (1, 2)",
                "i4 BETWEEN -1 AND 100",
                "i4 NOT BETWEEN 0 AND 2147483647",
                "i8 > 2147483647",
                "i8 = 9000000000000000000",
                "i8 < -5000000000",
                "num = 100.5",
                "num = '100.5'",
                "num > 100",
                "num >= 12345678901234",
                "num < 0.1 AND num > -10",
                "num = i4",
                "f8 > 100.4",
                "f8 = 0.1",
                "f8 = '0.1'",
                "f8 > 1e308",
                "f8 = 'NaN'",
                "f8 < 0",
                "f8 = 0",
                "f8 = num",
                "f8 = i4",
                // arithmetic
                "i8 / 7 > 100",
                "i4::bigint + i8 > 0",
                "-i8 < 0",
                "num / 3 > 33.4",
                "num / 3 = 33.5",
                "num * 2 = 201",
                "num - 0.5 = 100",
                "f8 * 2 > 1",
                "f8 / 2 < 0",
                "num / 7 = 14.3571428571428571",
                "(num / 3)::text IN ('33.5000000000000000', '0.03333333333333333333', '-1.08333333333333333333')",
                "(i4::bigint - 1) * 2 > 10",
                // booleans and three-valued logic
                "flag",
                "NOT flag",
                "flag IS NOT TRUE",
                "flag IS FALSE",
                "flag IS UNKNOWN",
                "flag = 't'",
                "flag <> 'off'",
                "i4 > 0 OR flag",
                "NOT (i4 > 0 AND flag)",
                "i4 IS NULL AND txt IS NOT NULL",
                "(i4 > 0) = flag",
                "(i4 > 0) IS NOT DISTINCT FROM flag",
                "TRUE",
                // JSON
                "meta->>'region' = 'eu'",
                "(meta->>'region') IN ('eu','us')",
                "meta->>'region' IS NULL",
                "meta->'region' IS NOT NULL",
                "meta->'region' = '\"eu\"'",
                "meta->'tags'->>0 = 'a'",
                "meta->'tags'->-1 = '\"b\"'",
                "(meta->>'n')::numeric > 1",
                "(meta->'n')::integer = 3",
                "(meta->'n')::numeric = 1000",
                "meta->'n' = '2.5'",
                "meta->>'n' = '2.50'",
                "meta->>'tags' = '[\"a\", \"b\"]'",
                "meta->'nested'->>'k' = 'v'",
                "meta->>'nested' LIKE '{\"k\": %'",
                "meta::text LIKE '%\"aa\": 3%'",
                "meta = '{\"n\": 1, \"region\": \"eu\"}'",
                "meta = '{}'",
                "meta::text IN ('{\"s\": \"x\\ny\"}', '[1, 2, 3]', '\"scalar\"', '42', 'null', '{\"n\": 1000}')",
                "meta->0 = '1'",
                "meta->>0 = 'scalar'",
                "meta->>-1 = '3'",
                "meta IS NULL",
                "(meta->'flag')::boolean",
                // casts
                "i4::text LIKE '4%'",
                "num::bigint = 101",
                "CAST(num AS bigint) = -3",
                "num::text = '100.50'",
                "f8::numeric > 100",
                "f8::text LIKE '%e%'",
                "f8::text = '0.1'",
                "f8::text IN ('1e+300', '-0', '123456789.125', '1e-300', '1e+15', 'NaN', '-Infinity')",
                "flag::text = 'true'",
                "flag::int = 1",
                "i4::boolean",
                "'1'::int + 1 = 2",
                "txt::varchar = 'paid'",
                // dates and times
                "ts > '2024-01-01'",
                "ts BETWEEN '2024-01-01T00:00:00Z' AND '2024-06-30 12:00:00+02'",
                "ts = '2024-01-01 07:00:00Z'",
                "ts::date = '2024-01-01'",
                "ts::text LIKE '2024%'",
                "ts::text = 'infinity'",
                "ts::text IN ('2024-06-30 23:59:59.999999+00', '2000-02-29 10:00:00.5+00', '2000-01-01 04:00:00+00', '-infinity')",
                "d::text IN ('0044-03-15 BC', '2000-02-29')",
                "d < '0001-01-01'",
                "d < '2000-03-01'",
                "d = '2024-01-01'",
                "ts > d",
                "d::timestamptz < '2001-01-01 00:00:00+00'",
                "CAST(d AS timestamp) >= '2024-01-01 00:00'",
                "d::text LIKE '%BC'",
                "ts > TIMESTAMP '2024-01-01 06:00'",
                // identifiers
                "\"Odd \"\"Name\"\"\" = 'x'",
                "ID < 10",
                // case folding and length, as Postgres does in a UTF-8 database
                "txt ILIKE '\u00FC%'",
                "txt ILIKE '_BER'",
                "txt ILIKE '%\u00C9%'",
                "txt NOT ILIKE 'stra%'",
                "lower(txt) = '\u00FCber'",
                "lower(txt) LIKE 'i%'",
                "lower(txt) = '\u03C3\u03AF\u03C3\u03C5\u03C6\u03BF\u03C3'",
                "upper(txt) = 'STRA\u00DFE'",
                "upper(txt) = '\u00DCBER'",
                "upper(txt) LIKE '\u01C4%'",
                "lower(txt) = lower(upper(txt))",
                "lower(txt) <> txt",
                "length(txt) = 2",
                "char_length(txt) > 6",
                "length(txt || 'x') = 5",
                "length(meta->>'region') = 2",
                // coalesce, abs, %
                "coalesce(i4, 0) = 0",
                "coalesce(txt, 'none') = 'none'",
                "coalesce(i4::bigint, i8, -1) < 0",
                "coalesce(num, 0) > 100",
                "coalesce(meta->>'region', txt) = 'eu'",
                "abs(i4::bigint) = 1",
                "abs(num) > 3",
                "abs(f8) > 100",
                "abs(i8) >= 5000000000",
                "abs(f8) = 'NaN'",
                "i4 % 2 = 0",
                "i4 % 7 = -1",
                "i8 % 1000 = 0",
                "num % 1 = 0.5",
                "num % 2.5 = 0",
                "(num % 3)::text = '1.50'",
                "(i4::bigint + 1) % 3 = 0 AND i4 IS NOT NULL",
                // ||
                "txt || 'x' = 'paidx'",
                "txt || i4 = 'paid42'",
                "i4 || '' = '42'",
                "'#' || txt || '#' LIKE '#%d#'",
                "txt || f8 LIKE '%NaN'",
                "meta || '{\"z\": 1}' @> '{\"z\": 1, \"region\": \"eu\"}'",
                "(meta || '[9]')->>-1 = '9'",
                "(meta || '{\"n\": 7}')->>'n' = '7'",
                "tags || ARRAY['z'] @> '{a,z}'",
                // arrays: = ANY, ALL, containment, overlap, equality
                "txt = ANY(tags)",
                "'a' = ANY(tags)",
                "i4 = ANY(nums)",
                "i4 = ANY('{1,7,42}')",
                "i4 <> ALL('{1,7}')",
                "i4 > ALL(nums)",
                "txt = ANY(ARRAY['paid', 'PAID', '\u00FCber'])",
                "42 = ANY(nums)",
                "3 = SOME(nums)",
                "txt = ANY('{paid,\"urgent note\"}'::text[])",
                "tags IS DISTINCT FROM '{a,b}'",
                "tags IS NOT DISTINCT FROM ARRAY['a', NULL]",
                "tags = '{}'",
                "nums = '{{1,2},{3,4}}'",
                "tags < '{b}'",
                "nums > ARRAY[1]",
                "tags @> '{a}'",
                "tags @> ARRAY['a', 'b']",
                "tags <@ '{a,b,c}'",
                "tags && ARRAY['b', '\u00FC']",
                "nums @> '{1}'",
                "nums && '{42,3}'",
                "nums <@ ARRAY[1, 2, 3, 4]",
                "tags::text LIKE '%NULL%'",
                "tags::text IN ('{\"x y\",\"\"}', '{}')",
                "nums::text = '{{1,2},{3,4}}'",
                "'{1,2}'::int[] <@ nums",
                // jsonb ? ?| ?& @> <@
                "meta ? 'region'",
                "meta ? 'scalar'",
                "meta ?| ARRAY['n', 'flag']",
                "meta ?& ARRAY['region', 'n']",
                "meta ?| '{tags,s}'",
                "meta @> '{\"region\": \"eu\"}'",
                "meta @> '{\"n\": 1}'",
                "meta <@ '{\"region\": \"eu\", \"n\": 1, \"x\": 2}'",
                "meta @> '[1]'",
                "meta @> '1'",
                "meta @> '{\"tags\": [\"b\"]}'",
                "meta->'tags' @> '\"a\"'",
                "meta @> '{}'",
                "meta @> '{\"nested\": {}}'",
                "NOT meta @> '{\"region\": null}'",
                // BETWEEN SYMMETRIC, IS after a comparison
                "i4 BETWEEN SYMMETRIC 100 AND 0",
                "txt NOT BETWEEN SYMMETRIC 'z' AND 'a'",
                "num BETWEEN SYMMETRIC 101 AND -3.25",
                "f8 BETWEEN SYMMETRIC 'Infinity' AND 100",
                "i4 = 42 IS NOT TRUE");
    }

    // conditions that never raise an error, to be combined without parentheses
    private static final String[] CONDITIONS = {"flag", "i4 > 0", "txt LIKE 'p%'", "txt ILIKE '%\u00FC%'", "meta ? 'n'", "tags @> '{a}'",
            "num BETWEEN 0 AND 100", "f8 > 1", "d < '2000-01-01'", "i4 = ANY(nums)", "lower(txt) = txt", "meta->>'region' = 'eu'", "txt IN ('paid', 'b')"};
    private static final String[] NUMBERS = {"id", "coalesce(i4::bigint, 0)", "length(coalesce(txt, ''))", "abs(coalesce(i8, 0) % 1000)", "2", "7"};
    private static final String[] DIVISORS = {"2", "7", "13", "-3"};

    /** Random conditions that mix operators without parentheses, so that any difference in precedence from Postgres's shows. */
    static Stream<String> generatedFilters()
    {
        Random random = new Random(20261203);
        return IntStream.range(0, 250).mapToObj(index -> condition(random, 3));
    }

    private static String condition(Random random, int depth)
    {
        return switch (random.nextInt(depth == 0 ? 4 : 8)) {
            case 0 -> pick(random, CONDITIONS);
            case 1 -> arithmetic(random) + " " + pick(random, ">", "<", "=", "<>", ">=", "<=") + " " + arithmetic(random);
            case 2 -> "NOT " + pick(random, CONDITIONS) + " IS " + pick(random, "", "NOT ") + pick(random, "TRUE", "FALSE", "UNKNOWN");
            case 3 -> arithmetic(random) + pick(random, " BETWEEN ", " NOT BETWEEN ", " BETWEEN SYMMETRIC ") + arithmetic(random) + " AND " + arithmetic(random);
            case 4 -> condition(random, depth - 1) + " AND " + condition(random, depth - 1);
            case 5 -> condition(random, depth - 1) + " OR " + condition(random, depth - 1);
            case 6 -> "NOT " + condition(random, depth - 1);
            default -> "(" + condition(random, depth - 1) + ")";
        };
    }

    private static String arithmetic(Random random)
    {
        StringBuilder text = new StringBuilder(random.nextInt(4) == 0 ? "-" : "").append(pick(random, NUMBERS));
        int terms = random.nextInt(4);
        for (int term = 0; term < terms; term++) {
            String operator = pick(random, "+", "-", "*", "/", "%");
            // dividing only by constants that are not zero, and multiplying only by small ones, keeps every generated condition free of errors
            text.append(' ').append(operator).append(' ').append(operator.equals("+") || operator.equals("-") ? pick(random, NUMBERS) : pick(random, DIVISORS));
        }
        return text.toString();
    }

    private static String pick(Random random, String... choices)
    {
        return choices[random.nextInt(choices.length)];
    }

    @ParameterizedTest
    @MethodSource("generatedFilters")
    void generatedFiltersAgreeWithPostgres(String text)
            throws SQLException
    {
        evaluatorAndRenderedSqlAgreeWithPostgres(text);
    }

    @ParameterizedTest
    @MethodSource("filters")
    void evaluatorAndRenderedSqlAgreeWithPostgres(String text)
            throws SQLException
    {
        Filter filter = Filter.parse(text);
        Set<Integer> expected = selectIds("SELECT id FROM t WHERE " + escapeQuestionMarks(text), List.of());

        Set<Integer> evaluated = rows.entrySet().stream()
                .filter(entry -> filter.matches(entry.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(evaluated)
                .as("rows the evaluator keeps for %s (Postgres keeps %s of %s)", text, expected.size(), rows.size())
                .isEqualTo(expected);

        SqlFragment sql = filter.toSql();
        assertThat(selectIds("SELECT id FROM t WHERE " + sql.sql(), sql.parameters()))
                .as("rows the rendered SQL keeps for %s: %s", text, sql)
                .isEqualTo(expected);
    }

    static Stream<String> failingFilters()
    {
        return Stream.of(
                "txt::int > 0",
                "1 / (i4 - i4) > 0",
                "f8 * 1e300 > 0",
                "(meta->>'region')::int > 0",
                "(meta->'region')::numeric > 0",
                "abs(txt) > 0",
                "lower(i4) = 'a'",
                "f8 % 2 = 0",
                "i4 % (i4 - i4) = 0",
                "tags @> '{a'",
                "meta ?| '{a'",
                "meta @> tags");
    }

    @ParameterizedTest
    @MethodSource("failingFilters")
    void evaluatorFailsWherePostgresFails(String text)
    {
        Filter filter = Filter.parse(text);
        assertThatThrownBy(() -> selectIds("SELECT id FROM t WHERE " + escapeQuestionMarks(text), List.of()))
                .isInstanceOf(SQLException.class);
        SqlFragment sql = filter.toSql();
        assertThatThrownBy(() -> selectIds("SELECT id FROM t WHERE " + sql.sql(), sql.parameters()))
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> rows.values().forEach(filter::matches))
                .isInstanceOf(FilterEvaluationException.class);
    }

    @Test
    void filtersSelectSomeButNotAllRows()
            throws SQLException
    {
        // guards the data set: most filters must tell rows apart, or agreement would prove little
        long discriminating = 0;
        List<String> texts = filters().collect(Collectors.toList());
        for (String text : texts) {
            int selected = selectIds("SELECT id FROM t WHERE " + escapeQuestionMarks(text), List.of()).size();
            if (selected > 0 && selected < rows.size()) {
                discriminating++;
            }
        }
        assertThat(texts).hasSizeGreaterThanOrEqualTo(40);
        assertThat(discriminating).isGreaterThanOrEqualTo(texts.size() - 8);
    }

    private static Set<Integer> selectIds(String sql, List<Object> parameters)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            new SqlFragment(sql, parameters).bind(statement, 1);
            Set<Integer> ids = new TreeSet<>();
            try (ResultSet resultSet = statement.executeQuery()) {
                while (resultSet.next()) {
                    ids.add(resultSet.getInt(1));
                }
            }
            return ids;
        }
    }

    private static void insertRows()
            throws SQLException
    {
        List<String[]> values = new ArrayList<>();
        // every value of every column at least once, next to nulls elsewhere
        String[][] columns = {INTEGERS, BIGINTS, NUMERICS, DOUBLES, TEXTS, BOOLEANS, JSONS, TIMESTAMPS, DATES, ODD_NAMES, TAGS, NUMS};
        for (int column = 0; column < columns.length; column++) {
            for (String value : columns[column]) {
                String[] row = new String[columns.length];
                row[column] = value;
                values.add(row);
            }
        }
        Random random = new Random(20240601);
        for (int index = 0; index < GENERATED_ROWS; index++) {
            String[] row = new String[columns.length];
            for (int column = 0; column < columns.length; column++) {
                row[column] = columns[column][random.nextInt(columns[column].length)];
            }
            values.add(row);
        }
        String sql = "INSERT INTO t VALUES (?, ?::int4, ?::int8, ?::numeric, ?::float8, ?, ?::boolean, ?::jsonb, ?::timestamptz, ?::date, ?, ?::text[], ?::int4[])";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int id = 0; id < values.size(); id++) {
                statement.setInt(1, id);
                String[] row = values.get(id);
                for (int column = 0; column < row.length; column++) {
                    statement.setString(column + 2, row[column]);
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static Map<Integer, Row> readRows()
            throws SQLException
    {
        Map<Integer, Row> result = new TreeMap<>();
        String sql = "SELECT id, i4, i8, num, f8, txt, flag, meta::text, ts, d, \"Odd \"\"Name\"\"\", tags, nums FROM t";
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            while (resultSet.next()) {
                Map<String, Object> values = new HashMap<>();
                values.put("id", resultSet.getInt("id"));
                values.put("i4", resultSet.getObject("i4", Integer.class));
                values.put("i8", resultSet.getObject("i8", Long.class));
                values.put("num", resultSet.getBigDecimal("num"));
                double floating = resultSet.getDouble("f8");
                values.put("f8", resultSet.wasNull() ? null : floating);
                values.put("txt", resultSet.getString("txt"));
                values.put("flag", resultSet.getObject("flag", Boolean.class));
                values.put("meta", json(resultSet.getString(8)));
                values.put("ts", resultSet.getObject("ts", OffsetDateTime.class));
                values.put("d", resultSet.getObject("d", LocalDate.class));
                values.put("Odd \"Name\"", resultSet.getString(11));
                values.put("tags", array(resultSet.getArray("tags")));
                values.put("nums", array(resultSet.getArray("nums")));
                result.put(resultSet.getInt("id"), Row.of(values));
            }
        }
        return result;
    }

    // an array as the data plane hands it to filters: a list of elements, nested for more dimensions
    private static List<Object> array(Array array)
            throws SQLException
    {
        return array == null ? null : list((Object[]) array.getArray());
    }

    private static List<Object> list(Object[] elements)
    {
        List<Object> list = new ArrayList<>();
        for (Object element : elements) {
            list.add(element instanceof Object[] nested ? list(nested) : element);
        }
        return list;
    }

    // JDBC reads ? outside quotes as a parameter; ?? is a literal question mark
    private static String escapeQuestionMarks(String sql)
    {
        StringBuilder escaped = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < sql.length(); i++) {
            char character = sql.charAt(i);
            if (character == '\'') {
                quoted = !quoted;
            }
            escaped.append(character == '?' && !quoted ? "??" : String.valueOf(character));
        }
        return escaped.toString();
    }

    private static Object json(String text)
    {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
