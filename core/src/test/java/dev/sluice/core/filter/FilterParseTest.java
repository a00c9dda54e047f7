package dev.sluice.core.filter;

import dev.sluice.core.filter.Expression.And;
import dev.sluice.core.filter.Expression.Arithmetic;
import dev.sluice.core.filter.Expression.ArrayConstructor;
import dev.sluice.core.filter.Expression.Between;
import dev.sluice.core.filter.Expression.BooleanLiteral;
import dev.sluice.core.filter.Expression.Cast;
import dev.sluice.core.filter.Expression.ColumnReference;
import dev.sluice.core.filter.Expression.Comparison;
import dev.sluice.core.filter.Expression.DecimalLiteral;
import dev.sluice.core.filter.Expression.FunctionCall;
import dev.sluice.core.filter.Expression.InList;
import dev.sluice.core.filter.Expression.IntegerLiteral;
import dev.sluice.core.filter.Expression.IsBoolean;
import dev.sluice.core.filter.Expression.IsDistinctFrom;
import dev.sluice.core.filter.Expression.IsNull;
import dev.sluice.core.filter.Expression.JsonAccess;
import dev.sluice.core.filter.Expression.Like;
import dev.sluice.core.filter.Expression.Negation;
import dev.sluice.core.filter.Expression.Not;
import dev.sluice.core.filter.Expression.NullLiteral;
import dev.sluice.core.filter.Expression.Operation;
import dev.sluice.core.filter.Expression.Or;
import dev.sluice.core.filter.Expression.Quantified;
import dev.sluice.core.filter.Expression.StringLiteral;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.List;

import static dev.sluice.core.filter.ComparisonOperator.EQUAL;
import static dev.sluice.core.filter.ComparisonOperator.GREATER_THAN;
import static dev.sluice.core.filter.ComparisonOperator.GREATER_THAN_OR_EQUAL;
import static dev.sluice.core.filter.ComparisonOperator.NOT_EQUAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterParseTest
{
    private static final ColumnReference STATUS = new ColumnReference("status");
    private static final ColumnReference META = new ColumnReference("meta");

    @Test
    void parsesTheExampleFromTheDesign()
    {
        Filter filter = Filter.parse("status = 'paid' AND amount >= 100.5 AND (meta->>'region') IN ('eu','us') AND NOT deleted AND note ILIKE '%urgent%'");

        assertThat(filter.expression()).isEqualTo(new And(List.of(
                new Comparison(STATUS, EQUAL, new StringLiteral("paid")),
                new Comparison(new ColumnReference("amount"), GREATER_THAN_OR_EQUAL, new DecimalLiteral(new BigDecimal("100.5"))),
                new InList(new JsonAccess(META, new StringLiteral("region"), true), List.of(new StringLiteral("eu"), new StringLiteral("us")), false),
                new Not(new ColumnReference("deleted")),
                new Like(new ColumnReference("note"), new StringLiteral("%urgent%"), "\\", true, false))));
        assertThat(filter.columns()).containsExactly("status", "amount", "meta", "deleted", "note");
        assertThat(filter.source()).startsWith("status = 'paid'");
    }

    @Test
    void foldsUnquotedNamesAndKeepsQuotedNames()
    {
        assertThat(Filter.parse("Status = 1 AND \"Status\" = 2 AND \"odd \"\"name\"\"\" = 3 AND ID > 0").columns())
                .containsExactly("status", "Status", "odd \"name\"", "id");
    }

    @Test
    void typesNumericLiteralsAsPostgresDoes()
    {
        assertThat(parse("x = 42")).isEqualTo(new Comparison(new ColumnReference("x"), EQUAL, new IntegerLiteral(42)));
        assertThat(((IntegerLiteral) right("x = 42")).fitsInInteger()).isTrue();
        assertThat(((IntegerLiteral) right("x = 5000000000")).fitsInInteger()).isFalse();
        assertThat(right("x = -2147483648")).isEqualTo(new IntegerLiteral(Integer.MIN_VALUE));
        assertThat(right("x = 12345678901234567890123")).isEqualTo(new DecimalLiteral(new BigDecimal("12345678901234567890123")));
        assertThat(right("x = 100.50")).isEqualTo(new DecimalLiteral(new BigDecimal("100.50")));
        assertThat(right("x = 1e3")).isEqualTo(new DecimalLiteral(new BigDecimal("1000")));
        assertThat(right("x = .5")).isEqualTo(new DecimalLiteral(new BigDecimal("0.5")));
        assertThat(right("x = -1.5")).isEqualTo(new DecimalLiteral(new BigDecimal("-1.5")));
    }

    @Test
    void parsesOtherLiterals()
    {
        assertThat(right("x = 'it''s'")).isEqualTo(new StringLiteral("it's"));
        assertThat(right("x = 'C:\\'")).as("a backslash is an ordinary character in a standard string").isEqualTo(new StringLiteral("C:\\"));
        assertThat(right("x = TRUE")).isEqualTo(new BooleanLiteral(true));
        assertThat(right("x = false")).isEqualTo(new BooleanLiteral(false));
        assertThat(right("x = NULL")).isEqualTo(new NullLiteral());
    }

    @Test
    void parsesComparisonOperators()
    {
        assertThat(((Comparison) parse("a != 1")).operator()).isEqualTo(NOT_EQUAL);
        assertThat(((Comparison) parse("a <> 1")).operator()).isEqualTo(NOT_EQUAL);
        assertThat(((Comparison) parse("a<=-1")).operator()).isEqualTo(ComparisonOperator.LESS_THAN_OR_EQUAL);
        assertThat(((Comparison) parse("a<=-1")).right()).isEqualTo(new IntegerLiteral(-1));
        assertThat(((Comparison) parse("a < 1")).operator()).isEqualTo(ComparisonOperator.LESS_THAN);
        assertThat(((Comparison) parse("a > 1")).operator()).isEqualTo(GREATER_THAN);
    }

    @Test
    void parsesPredicates()
    {
        ColumnReference x = new ColumnReference("x");
        assertThat(parse("x NOT IN (1, 2)")).isEqualTo(new InList(x, List.of(new IntegerLiteral(1), new IntegerLiteral(2)), true));
        assertThat(parse("x BETWEEN 1 AND 10")).isEqualTo(new Between(x, new IntegerLiteral(1), new IntegerLiteral(10), false));
        assertThat(parse("x NOT BETWEEN 1 AND 10")).isEqualTo(new Between(x, new IntegerLiteral(1), new IntegerLiteral(10), true));
        assertThat(parse("x NOT LIKE 'a!%' ESCAPE '!'")).isEqualTo(new Like(x, new StringLiteral("a!%"), "!", false, true));
        assertThat(parse("x NOT ILIKE 'a'")).isEqualTo(new Like(x, new StringLiteral("a"), "\\", true, true));
        assertThat(parse("x IS NULL")).isEqualTo(new IsNull(x, false));
        assertThat(parse("x IS NOT NULL")).isEqualTo(new IsNull(x, true));
        assertThat(parse("x IS UNKNOWN")).isEqualTo(new IsNull(x, false));
        assertThat(parse("x IS TRUE")).isEqualTo(new IsBoolean(x, true, false));
        assertThat(parse("x IS NOT FALSE")).isEqualTo(new IsBoolean(x, false, true));
        assertThat(parse("x IS DISTINCT FROM 1")).isEqualTo(new IsDistinctFrom(x, new IntegerLiteral(1), false));
        assertThat(parse("x IS NOT DISTINCT FROM 1")).isEqualTo(new IsDistinctFrom(x, new IntegerLiteral(1), true));
    }

    @Test
    void parsesFunctionsArraysAndJsonOperators()
    {
        ColumnReference x = new ColumnReference("x");
        ColumnReference tags = new ColumnReference("tags");
        assertThat(parse("x = ANY(tags)")).isEqualTo(new Quantified(x, EQUAL, false, tags));
        assertThat(parse("x <> ALL('{a,b}')")).isEqualTo(new Quantified(x, NOT_EQUAL, true, new StringLiteral("{a,b}")));
        assertThat(parse("x BETWEEN SYMMETRIC 10 AND 1")).isEqualTo(new Between(x, new IntegerLiteral(10), new IntegerLiteral(1), false, true));
        assertThat(left("lower(x) = 'a'")).isEqualTo(new FunctionCall(FilterFunction.LOWER, List.of(x)));
        assertThat(left("CHAR_LENGTH(x) > 1")).isEqualTo(new FunctionCall(FilterFunction.LENGTH, List.of(x)));
        assertThat(left("coalesce(x, 'n/a') = 'a'")).isEqualTo(new FunctionCall(FilterFunction.COALESCE, List.of(x, new StringLiteral("n/a"))));
        assertThat(parse("meta ? 'tier'")).isEqualTo(new Operation(META, Operator.HAS_KEY, new StringLiteral("tier")));
        assertThat(parse("meta ?| ARRAY['a', 'b']")).isEqualTo(new Operation(META, Operator.HAS_ANY_KEY,
                new ArrayConstructor(List.of(new StringLiteral("a"), new StringLiteral("b")))));
        assertThat(parse("tags @> '{a}' AND tags && x::text[]")).isEqualTo(new And(List.of(
                new Operation(tags, Operator.CONTAINS, new StringLiteral("{a}")),
                new Operation(tags, Operator.OVERLAPS, new Cast(x, CastType.TEXT, true)))));
        assertThat(left("x || 'a' || 'b' = 'xab'")).isEqualTo(new Operation(new Operation(x, Operator.CONCATENATE, new StringLiteral("a")),
                Operator.CONCATENATE, new StringLiteral("b")));
        assertThat(left("x % 2 + 1 = 0")).isEqualTo(new Arithmetic(new Arithmetic(x, ArithmeticOperator.MODULO, new IntegerLiteral(2)),
                ArithmeticOperator.ADD, new IntegerLiteral(1)));
        assertThat(parse("x = 1 IS TRUE")).as("IS binds looser than =, as in Postgres")
                .isEqualTo(new IsBoolean(new Comparison(x, EQUAL, new IntegerLiteral(1)), true, false));
    }

    @Test
    void parsesCasts()
    {
        ColumnReference x = new ColumnReference("x");
        assertThat(left("x::int = 1")).isEqualTo(new Cast(x, CastType.INTEGER));
        assertThat(left("x::int8 = 1")).isEqualTo(new Cast(x, CastType.BIGINT));
        assertThat(left("CAST(x AS numeric) = 1")).isEqualTo(new Cast(x, CastType.NUMERIC));
        assertThat(left("x::double precision = 1")).isEqualTo(new Cast(x, CastType.DOUBLE_PRECISION));
        assertThat(left("x::text = 'a'")).isEqualTo(new Cast(x, CastType.TEXT));
        assertThat(parse("x::boolean")).isEqualTo(new Cast(x, CastType.BOOLEAN));
        assertThat(left("x::timestamptz = '2024-01-01'")).isEqualTo(new Cast(x, CastType.TIMESTAMP_WITH_TIME_ZONE));
        assertThat(left("CAST(x AS timestamp with time zone) = '2024-01-01'")).isEqualTo(new Cast(x, CastType.TIMESTAMP_WITH_TIME_ZONE));
        assertThat(left("x::date = '2024-01-01'")).isEqualTo(new Cast(x, CastType.DATE));
        assertThat(left("x::jsonb = '{}'")).isEqualTo(new Cast(x, CastType.JSONB));
        assertThat(right("x > DATE '2024-01-01'")).isEqualTo(new Cast(new StringLiteral("2024-01-01"), CastType.DATE));
        assertThat(left("x::text::int = 1")).isEqualTo(new Cast(new Cast(x, CastType.TEXT), CastType.INTEGER));
    }

    @Test
    void parsesJsonOperatorsWithPostgresPrecedence()
    {
        // a parser with the wrong precedence for ->> would read this as meta ->> ('region' = 'eu' AND b)
        assertThat(parse("meta->>'region' = 'eu' AND b")).isEqualTo(new And(List.of(
                new Comparison(new JsonAccess(META, new StringLiteral("region"), true), EQUAL, new StringLiteral("eu")),
                new ColumnReference("b"))));
        assertThat(left("meta->'tags'->>-1 = 'b'")).isEqualTo(
                new JsonAccess(new JsonAccess(META, new StringLiteral("tags"), false), new IntegerLiteral(-1), true));
        assertThat(parse("b AND meta->>'a' = 'x' OR c")).isInstanceOf(Or.class);
        assertThat(left("(meta->>'n')::numeric > 1")).isEqualTo(new Cast(new JsonAccess(META, new StringLiteral("n"), true), CastType.NUMERIC));
        assertThat(parse("meta->'a' IS NULL")).isEqualTo(new IsNull(new JsonAccess(META, new StringLiteral("a"), false), false));
    }

    @Test
    void parsesInFollowedByOtherConditions()
    {
        // a greedy parser of the list after IN would read this as a IN ((1, 2) AND b)
        assertThat(parse("a IN (1, 2) AND b")).isEqualTo(new And(List.of(
                new InList(new ColumnReference("a"), List.of(new IntegerLiteral(1), new IntegerLiteral(2)), false),
                new ColumnReference("b"))));
        assertThat(parse("b AND a NOT IN (1) OR c")).isEqualTo(new Or(List.of(
                new And(List.of(new ColumnReference("b"), new InList(new ColumnReference("a"), List.of(new IntegerLiteral(1)), true))),
                new ColumnReference("c"))));
    }

    @Test
    void groupsLogicalOperatorsAsPostgresDoes()
    {
        ColumnReference a = new ColumnReference("a");
        ColumnReference b = new ColumnReference("b");
        ColumnReference c = new ColumnReference("c");
        assertThat(parse("a OR b AND c")).isEqualTo(new Or(List.of(a, new And(List.of(b, c)))));
        assertThat(parse("(a OR b) AND c")).isEqualTo(new And(List.of(new Or(List.of(a, b)), c)));
        assertThat(parse("NOT a AND b")).isEqualTo(new And(List.of(new Not(a), b)));
        assertThat(parse("a AND (b AND c)")).as("nested conjunctions flatten").isEqualTo(new And(List.of(a, b, c)));
        assertThat(parse("NOT a = 1")).isEqualTo(new Not(new Comparison(a, EQUAL, new IntegerLiteral(1))));
    }

    @Test
    void parsesArithmeticWithPostgresPrecedence()
    {
        ColumnReference a = new ColumnReference("a");
        ColumnReference b = new ColumnReference("b");
        assertThat(left("a + b * 2 > 0")).isEqualTo(new Arithmetic(a, ArithmeticOperator.ADD, new Arithmetic(b, ArithmeticOperator.MULTIPLY, new IntegerLiteral(2))));
        assertThat(left("a - b - 1 > 0")).isEqualTo(new Arithmetic(new Arithmetic(a, ArithmeticOperator.SUBTRACT, b), ArithmeticOperator.SUBTRACT, new IntegerLiteral(1)));
        assertThat(left("-a / b > 0")).isEqualTo(new Arithmetic(new Negation(a), ArithmeticOperator.DIVIDE, b));
        assertThat(left("-a::int > 0")).as(":: binds tighter than unary minus").isEqualTo(new Negation(new Cast(a, CastType.INTEGER)));
    }

    @Test
    void acceptsColumnsNamedLikeNonReservedKeyWords()
    {
        assertThat(Filter.parse("type = 'a' AND key = 1 AND value = 2 AND name = 'x' AND data = 1 AND date > '2020-01-01' AND time = 1").columns())
                .containsExactly("type", "key", "value", "name", "data", "date", "time");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t"})
    void rejectsEmptyFilters(String text)
    {
        assertThatThrownBy(() -> Filter.parse(text))
                .isInstanceOf(FilterException.class)
                .hasMessage("filter is empty");
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " ==> ", quoteCharacter = '`', value = {
            "1=1; DROP TABLE x ==> only one expression is allowed; found ';'",
            "status = 'a'; ==> only one expression is allowed; found ';'",
            "status = 'a' -- AND tenant = 1 ==> comments are not allowed in filters",
            "status = 'a' /* OR 1=1 */ ==> comments are not allowed in filters",
            "status = 'a'--1 ==> comments are not allowed in filters",
            "pg_sleep(10) IS NULL ==> function calls are not supported in filters: pg_sleep(10)",
            "x = pg_sleep(10) ==> function calls are not supported in filters: pg_sleep(10)",
            "initcap(txt) = 'a' ==> function calls are not supported in filters: initcap(txt); supported functions are lower, upper",
            "lower(a, b) = 'a' ==> lower does not take 2 arguments",
            "count(*) > 1 ==> function calls are not supported in filters: count(*)",
            "x IN (SELECT id FROM secrets) ==> subqueries are not supported in filters",
            "x = (SELECT 1) ==> subqueries are not supported in filters",
            "EXISTS (SELECT 1) ==> subqueries are not supported in filters",
            "x = $$a$$ ==> '$' is not allowed in filters",
            "x = $1 ==> '$' is not allowed in filters",
            "x = ? ==> parameters are not supported in filters",
            "x = :name ==> named parameters are not supported in filters",
            "x = E'\\x41' ==> string prefixes such as E'...' are not supported",
            "x = U&'\\0041' ==> string prefixes such as E'...' are not supported",
            "x = 'a' 'b' ==> adjacent string literals are not supported",
            "x = 'open ==> unterminated quoted string",
            "\"x = 1 ==> unterminated quoted identifier",
            "\"\" = 1 ==> zero-length quoted identifier",
            "x[1] = 1 ==> array subscripts are not supported in filters (at position 2); use = ANY(array), @> or && to test elements",
            "t.x = 1 ==> qualified names are not supported in filters",
            "x #> '{a}' IS NULL ==> operator not supported in filters: #>",
            "meta ? 1 ==> ? needs a key (text) on its right, not a number",
            "x ~ 'a.*' ==> regular expressions are not supported in filters: found ~ at position 3; use LIKE or ILIKE",
            "1 || 2 = 'b' ==> || needs text, jsonb or an array on one side, not a number and a number; cast one side with ::text",
            "x % 'a'::text = 0 ==> % needs numbers, not text",
            "x << 2 = 0 ==> operator not supported in filters: <<",
            "! x ==> operator not supported in filters: !",
            "x SIMILAR TO 'a%' ==> SIMILAR TO is not supported in filters",
            "CASE WHEN x THEN 1 END = 1 ==> CASE expressions are not supported in filters",
            "x = ANY(SELECT y FROM t) ==> subqueries are not supported in filters",
            "x = ANY(1) ==> = ANY(...) needs an array, not a number",
            "x BETWEEN SYMMETRIC 1 ==> syntax error in filter: unexpected end of input",
            "x > ==> syntax error in filter: unexpected end of input",
            "x COLLATE \"C\" = 'a' ==> COLLATE is not supported in filters",
            "ARRAY[] = x ==> cannot determine the type of an empty array",
            "x = now() ==> now() is not supported in filters",
            "current_date > d ==> current_date is not supported in filters",
            "user = 'postgres' ==> \"user\" is a reserved word in Postgres",
            "x::numeric(10,2) = 1 ==> type modifiers are not supported in casts",
            "x::json IS NULL ==> casts to json are not supported in filters; use jsonb",
            "x::money = 1 ==> casts to money are not supported in filters",
            "x::int[][] IS NULL ==> multidimensional array types are not supported in filters",
            "(a, b) = (1, 2) ==> row values are not supported in filters",
            "x IN () ==> IN needs at least one value",
            "x = 1 AND ==> syntax error in filter",
            "x = = 1 ==> syntax error in filter at or near \"=\"",
            "x = 1 UNION SELECT 1 ==> syntax error in filter at or near \"UNION\"",
            "a = b = c ==> syntax error in filter",
            "x = 0x1F ==> trailing junk after numeric literal",
            "amount + 1 ==> the filter must be a condition (type boolean), not a number",
            "'a' AND x > 1 + 1 AND 5 ==> argument of AND must be a condition (type boolean), not a number",
            "x LIKE 5 ==> LIKE needs a text pattern, not a number",
            "5 -> 'a' IS NULL ==> -> needs a json or jsonb value on its left, not a number",
            "x + meta->>'a' = 'b' ==> ->> needs a json or jsonb value on its left, not a number",
            "x = 1 + 'a'::text ==> + needs numbers, not text",
            "x::text = 5 ==> cannot compare text with a number",
            "x LIKE 'a' ESCAPE 'ab' ==> invalid escape string in LIKE",
            "x IS NOT JSON ==> syntax error in filter",
    })
    void rejectsUnsupportedAndHostileFiltersWithAMessage(String text, String message)
    {
        assertThatThrownBy(() -> Filter.parse(text))
                .isInstanceOf(FilterException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsOversizedAndDeeplyNestedFilters()
    {
        assertThatThrownBy(() -> Filter.parse("x = '" + "a".repeat(FilterLexer.MAXIMUM_LENGTH) + "'"))
                .isInstanceOf(FilterException.class)
                .hasMessageStartingWith("filter is too long");
        assertThatThrownBy(() -> Filter.parse("(".repeat(60) + "x" + ")".repeat(60)))
                .isInstanceOf(FilterException.class)
                .hasMessageStartingWith("filter nests parentheses too deeply");
        assertThatThrownBy(() -> Filter.parse("a" + " + a".repeat(200) + " > 0"))
                .isInstanceOf(FilterException.class)
                .hasMessageStartingWith("filter nests operators too deeply");
        assertThatThrownBy(() -> Filter.parse("\"" + "x".repeat(64) + "\" = 1"))
                .isInstanceOf(FilterException.class)
                .hasMessageStartingWith("column name is longer than Postgres allows");
    }

    @Test
    void acceptsLongChainsOfConditions()
    {
        Expression expression = Filter.parse("a = 1" + " AND a = 1".repeat(900) + " OR b").expression();

        assertThat(((And) ((Or) expression).operands().get(0)).operands()).hasSize(901);
    }

    @Test
    void keepsHostileTextInsideLiteralsAsData()
    {
        assertThat(right("x = '1; DROP TABLE x; --'")).isEqualTo(new StringLiteral("1; DROP TABLE x; --"));
        assertThat(right("x = '/* */'")).isEqualTo(new StringLiteral("/* */"));
        assertThat(Filter.parse("\"x\"\"; DROP TABLE t; --\" = 1").columns()).containsExactly("x\"; DROP TABLE t; --");
    }

    @Test
    void equalFiltersHaveEqualTrees()
    {
        assertThat(Filter.parse("a = 1 AND b")).isEqualTo(Filter.parse("(A = 1)  and  \"b\""));
        assertThat(Filter.parse("a = 1")).isNotEqualTo(Filter.parse("a = 2"));
    }

    private static Expression parse(String text)
    {
        return Filter.parse(text).expression();
    }

    private static Expression left(String text)
    {
        return ((Comparison) parse(text)).left();
    }

    private static Expression right(String text)
    {
        return ((Comparison) parse(text)).right();
    }
}
