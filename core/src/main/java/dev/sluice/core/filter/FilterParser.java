package dev.sluice.core.filter;

import dev.sluice.core.filter.Expression.And;
import dev.sluice.core.filter.Expression.Arithmetic;
import dev.sluice.core.filter.Expression.BooleanLiteral;
import dev.sluice.core.filter.Expression.Cast;
import dev.sluice.core.filter.Expression.ColumnReference;
import dev.sluice.core.filter.Expression.Comparison;
import dev.sluice.core.filter.Expression.DecimalLiteral;
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
import dev.sluice.core.filter.Expression.Or;
import dev.sluice.core.filter.Expression.StringLiteral;
import dev.sluice.core.filter.ExpressionKinds.Kind;
import dev.sluice.core.filter.FilterLexer.Token;
import dev.sluice.core.filter.FilterLexer.TokenType;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.IntervalExpression;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.BitwiseLeftShift;
import net.sf.jsqlparser.expression.operators.arithmetic.BitwiseRightShift;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.IsUnknownExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.OldOracleJoinBinaryExpression;
import net.sf.jsqlparser.expression.operators.relational.RegExpMatchOperator;
import net.sf.jsqlparser.expression.operators.relational.SimilarToExpression;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.feature.Feature;
import net.sf.jsqlparser.parser.feature.FeatureConfiguration;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.select.Select;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.sluice.core.filter.ExpressionKinds.requireComparable;
import static dev.sluice.core.filter.ExpressionKinds.requireCondition;
import static dev.sluice.core.filter.ExpressionKinds.requireKind;
import static java.util.Objects.requireNonNull;

/**
 * Turns filter text into an {@link Expression}: {@link FilterLexer} checks the text against
 * Postgres's lexical rules, JSqlParser parses it, and this class converts JSqlParser's tree into
 * ours, refusing every construct filters do not support.
 * <p>
 * JSqlParser parses {@code ->} and {@code ->>} with the wrong precedence: it reads
 * {@code meta->>'a' = 'x' AND b} as {@code meta ->> ('a' = 'x' AND b)}. Postgres puts these
 * operators with the other non-arithmetic operators, below {@code + - * /} and above comparisons,
 * left-associative; JSqlParser's {@code <<} and {@code >>} sit at exactly that level. So the
 * text handed to JSqlParser spells {@code ->} as {@code <<} and {@code ->>} as {@code >>} (the
 * lexer has refused any {@code <<} or {@code >>} the user wrote), and the conversion turns them
 * back into {@link JsonAccess}.
 * <p>
 * JSqlParser 5.3 also parses the list after {@code IN} greedily: {@code a IN (1, 2) AND b} becomes
 * {@code a IN ((1, 2) AND b)} (JSqlParser issues 2244 and 2356, fixed after 5.3). Its
 * {@code SIMILAR TO} sits at the same level as Postgres's {@code IN} and takes a parenthesized
 * list as its right operand, so {@code IN} is handed to JSqlParser as {@code SIMILAR TO} (which
 * filters do not support, so the user cannot have written it) and converted back into an
 * {@link InList}.
 * <p>
 * As a further guard, every operand JSqlParser did not find in parentheses is checked to bind at
 * least as tightly as Postgres requires.
 */
final class FilterParser
{
    private static final int MAXIMUM_IDENTIFIER_BYTES = 63;
    private static final int MAXIMUM_DEPTH = 100;

    // Postgres's reserved key words, which cannot name a column without double quotes
    private static final Set<String> RESERVED_WORDS = Set.of(
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both",
            "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross",
            "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user",
            "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze",
            "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull",
            "join", "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null",
            "offset", "on", "only", "or", "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right",
            "select", "session_user", "similar", "some", "symmetric", "table", "tablesample", "then", "to", "trailing", "true",
            "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with");

    // Postgres operator precedence, loosest first; an operand must bind at least as tightly as its operator requires
    private static final int OR = 1;
    private static final int AND = 2;
    private static final int NOT = 3;
    private static final int IS = 4;
    private static final int COMPARISON = 5;
    private static final int PATTERN = 6;
    private static final int OTHER_OPERATOR = 7;
    private static final int ADDITIVE = 8;
    private static final int MULTIPLICATIVE = 9;
    private static final int UNARY = 10;
    private static final int CAST = 11;
    private static final int PRIMARY = 12;

    private int depth;

    private FilterParser() {}

    static Expression parse(String source)
    {
        requireNonNull(source, "sql is null");
        List<Token> tokens = FilterLexer.tokenize(source);
        if (tokens.isEmpty()) {
            throw new FilterException("filter is empty");
        }
        net.sf.jsqlparser.expression.Expression parsed = parseTokens(tokens);
        FilterParser parser = new FilterParser();
        Expression expression = parser.convert(parsed);
        requireCondition(expression, "the filter");
        return expression;
    }

    private static net.sf.jsqlparser.expression.Expression parseTokens(List<Token> tokens)
    {
        StringBuilder text = new StringBuilder();
        int[] starts = new int[tokens.size()];
        for (int index = 0; index < tokens.size(); index++) {
            if (index > 0) {
                text.append(' ');
            }
            starts[index] = text.length();
            text.append(jsqlParserText(tokens.get(index)));
        }
        FilterException failure = null;
        // like CCJSqlParserUtil.parseCondExpression: try the fast mode first, then the one that handles complex nesting
        for (boolean complexParsing : new boolean[] {false, true}) {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(text.toString());
            parser.withAllowComplexParsing(complexParsing);
            parser.withConfiguration(new FeatureConfiguration().setValue(Feature.allowBackslashEscapeCharacter, false));
            try {
                net.sf.jsqlparser.expression.Expression expression = parser.Expression();
                net.sf.jsqlparser.parser.Token next = parser.getNextToken();
                if (next.kind == CCJSqlParserConstants.EOF) {
                    return expression;
                }
                failure = syntaxError(tokens, starts, next.beginColumn, null);
            }
            catch (ParseException e) {
                int column = e.currentToken != null && e.currentToken.next != null ? e.currentToken.next.beginColumn : -1;
                failure = syntaxError(tokens, starts, column, e);
            }
            catch (RuntimeException | StackOverflowError e) {
                // JSqlParser's recursive descent can fail in other ways on pathological input; it has touched nothing shared
                failure = new FilterException("cannot parse filter", e);
            }
        }
        throw failure;
    }

    private static String jsqlParserText(Token token)
    {
        if (token.type() == TokenType.IDENTIFIER) {
            if (token.text().equalsIgnoreCase("similar")) {
                throw new FilterException("SIMILAR TO is not supported in filters; use LIKE or ILIKE");
            }
            if (token.text().equalsIgnoreCase("in")) {
                return "SIMILAR TO";
            }
        }
        if (token.type() == TokenType.OPERATOR) {
            return switch (token.text()) {
                case "->" -> "<<";
                case "->>" -> ">>";
                case "!=" -> "<>";
                default -> token.text();
            };
        }
        return token.text();
    }

    private static FilterException syntaxError(List<Token> tokens, int[] starts, int column, Throwable cause)
    {
        int offset = column - 1;
        for (int index = 0; index < tokens.size(); index++) {
            if (starts[index] == offset) {
                Token token = tokens.get(index);
                return new FilterException("syntax error in filter at or near \"" + token.text() + "\" (position " + (token.position() + 1) + ")", cause);
            }
        }
        if (column > 0 && offset >= starts[starts.length - 1]) {
            return new FilterException("syntax error in filter: unexpected end of filter", cause);
        }
        return new FilterException("syntax error in filter", cause);
    }

    private Expression convert(net.sf.jsqlparser.expression.Expression node)
    {
        // bounds the recursion here and in everything that walks the tree later
        depth++;
        try {
            if (depth > MAXIMUM_DEPTH) {
                throw new FilterException("filter nests operators too deeply: at most " + MAXIMUM_DEPTH + " levels are allowed");
            }
            return convertNode(node);
        }
        finally {
            depth--;
        }
    }

    private Expression convertNode(net.sf.jsqlparser.expression.Expression node)
    {
        if (node instanceof ExpressionList<?> list) {
            // JSqlParser 5 represents a parenthesized expression as a one-element list
            if (list.size() != 1) {
                throw new FilterException("row values are not supported in filters: " + describe(node));
            }
            return convert(list.get(0));
        }
        if (node instanceof Parenthesis parenthesis) {
            return convert(parenthesis.getExpression());
        }
        if (node instanceof Column column) {
            return columnReference(column);
        }
        if (node instanceof NullValue) {
            return new NullLiteral();
        }
        if (node instanceof BooleanValue value) {
            return new BooleanLiteral(value.getValue());
        }
        if (node instanceof LongValue value) {
            return integerLiteral(value.getStringValue());
        }
        if (node instanceof DoubleValue value) {
            return decimalLiteral(value.toString());
        }
        if (node instanceof StringValue value) {
            return stringLiteral(value);
        }
        if (node instanceof AndExpression || node instanceof OrExpression) {
            return convertLogical((net.sf.jsqlparser.expression.BinaryExpression) node);
        }
        if (node instanceof NotExpression not) {
            if (not.isExclamationMark()) {
                throw new FilterException("'!' is not supported in filters; use NOT");
            }
            requirePrecedence(not, not.getExpression(), NOT);
            Expression operand = convert(not.getExpression());
            requireCondition(operand, "argument of NOT");
            return new Not(operand);
        }
        if (node instanceof OldOracleJoinBinaryExpression comparison && comparisonOperator(comparison) != null) {
            return convertComparison(comparison);
        }
        if (node instanceof net.sf.jsqlparser.expression.operators.relational.Between between) {
            return convertBetween(between);
        }
        if (node instanceof LikeExpression like) {
            return convertLike(like);
        }
        if (node instanceof IsNullExpression isNull) {
            requirePrecedence(isNull, isNull.getLeftExpression(), COMPARISON);
            return new IsNull(convert(isNull.getLeftExpression()), isNull.isNot());
        }
        if (node instanceof IsUnknownExpression isUnknown) {
            requirePrecedence(isUnknown, isUnknown.getLeftExpression(), COMPARISON);
            Expression operand = convert(isUnknown.getLeftExpression());
            requireCondition(operand, "argument of IS UNKNOWN");
            return new IsNull(operand, isUnknown.isNot());
        }
        if (node instanceof IsBooleanExpression isBoolean) {
            requirePrecedence(isBoolean, isBoolean.getLeftExpression(), COMPARISON);
            Expression operand = convert(isBoolean.getLeftExpression());
            requireCondition(operand, isBoolean.isTrue() ? "argument of IS TRUE" : "argument of IS FALSE");
            return new IsBoolean(operand, isBoolean.isTrue(), isBoolean.isNot());
        }
        if (node instanceof IsDistinctExpression distinct) {
            requirePrecedence(distinct, distinct.getLeftExpression(), COMPARISON);
            requirePrecedence(distinct, distinct.getRightExpression(), COMPARISON);
            Expression left = convert(distinct.getLeftExpression());
            Expression right = convert(distinct.getRightExpression());
            requireComparable(left, right, "IS DISTINCT FROM");
            return new IsDistinctFrom(left, right, distinct.isNot());
        }
        if (node instanceof CastExpression cast) {
            return convertCast(cast);
        }
        if (node instanceof BitwiseLeftShift || node instanceof BitwiseRightShift) {
            return convertJsonAccess((net.sf.jsqlparser.expression.BinaryExpression) node, node instanceof BitwiseRightShift);
        }
        if (node instanceof Addition || node instanceof Subtraction || node instanceof Multiplication || node instanceof Division) {
            return convertArithmetic((net.sf.jsqlparser.expression.BinaryExpression) node);
        }
        if (node instanceof SignedExpression signed) {
            return convertSigned(signed);
        }
        throw unsupported(node);
    }

    private static FilterException unsupported(net.sf.jsqlparser.expression.Expression node)
    {
        if (node instanceof Function) {
            return new FilterException("function calls are not supported in filters: " + describe(node));
        }
        if (node instanceof Select || node instanceof ExistsExpression) {
            return new FilterException("subqueries are not supported in filters");
        }
        if (node instanceof AnyComparisonExpression) {
            return new FilterException("ANY, ALL and SOME are not supported in filters: " + describe(node));
        }
        if (node instanceof CaseExpression) {
            return new FilterException("CASE expressions are not supported in filters");
        }
        if (node instanceof JdbcParameter || node instanceof JdbcNamedParameter) {
            return new FilterException("parameters are not supported in filters: " + describe(node));
        }
        if (node instanceof TimeKeyExpression) {
            return new FilterException(describe(node) + " is not supported in filters: a filter must not depend on when it runs");
        }
        if (node instanceof IntervalExpression) {
            return new FilterException("intervals are not supported in filters: " + describe(node));
        }
        if (node instanceof HexValue) {
            return new FilterException("hexadecimal and bit-string literals are not supported in filters: " + describe(node));
        }
        if (node instanceof RegExpMatchOperator || node instanceof SimilarToExpression) {
            return new FilterException("regular expressions are not supported in filters: " + describe(node));
        }
        return new FilterException("not supported in filters: " + describe(node));
    }

    private Expression convertLogical(net.sf.jsqlparser.expression.BinaryExpression root)
    {
        boolean and = root instanceof AndExpression;
        Class<?> type = root.getClass();
        // JSqlParser nests a chain of ANDs (or ORs) to the left; walk it without recursion, so long chains stay shallow
        Deque<net.sf.jsqlparser.expression.Expression> children = new ArrayDeque<>();
        net.sf.jsqlparser.expression.Expression current = root;
        while (type.isInstance(current)) {
            net.sf.jsqlparser.expression.BinaryExpression binary = (net.sf.jsqlparser.expression.BinaryExpression) current;
            requirePrecedence(binary, binary.getRightExpression(), and ? AND : OR);
            children.push(binary.getRightExpression());
            current = binary.getLeftExpression();
        }
        requirePrecedence(root, current, and ? AND : OR);
        children.push(current);
        List<Expression> operands = new ArrayList<>();
        for (net.sf.jsqlparser.expression.Expression child : children) {
            Expression operand = convert(child);
            requireCondition(operand, "argument of " + (and ? "AND" : "OR"));
            if (and && operand instanceof And nested) {
                operands.addAll(nested.operands());
            }
            else if (!and && operand instanceof Or nested) {
                operands.addAll(nested.operands());
            }
            else {
                operands.add(operand);
            }
        }
        return and ? new And(operands) : new Or(operands);
    }

    private static ComparisonOperator comparisonOperator(net.sf.jsqlparser.expression.Expression node)
    {
        if (node instanceof EqualsTo) {
            return ComparisonOperator.EQUAL;
        }
        if (node instanceof NotEqualsTo) {
            return ComparisonOperator.NOT_EQUAL;
        }
        if (node instanceof GreaterThan) {
            return ComparisonOperator.GREATER_THAN;
        }
        if (node instanceof GreaterThanEquals) {
            return ComparisonOperator.GREATER_THAN_OR_EQUAL;
        }
        if (node instanceof MinorThan) {
            return ComparisonOperator.LESS_THAN;
        }
        if (node instanceof MinorThanEquals) {
            return ComparisonOperator.LESS_THAN_OR_EQUAL;
        }
        return null;
    }

    private Expression convertComparison(OldOracleJoinBinaryExpression comparison)
    {
        if (comparison.getOldOracleJoinSyntax() != OldOracleJoinBinaryExpression.NO_ORACLE_JOIN || comparison.getOraclePriorPosition() != 0) {
            throw unsupported(comparison);
        }
        requirePrecedence(comparison, comparison.getLeftExpression(), PATTERN);
        requirePrecedence(comparison, comparison.getRightExpression(), PATTERN);
        Expression left = convert(comparison.getLeftExpression());
        Expression right = convert(comparison.getRightExpression());
        ComparisonOperator operator = comparisonOperator(comparison);
        requireComparable(left, right, operator.sql());
        return new Comparison(left, operator, right);
    }

    private Expression convertIn(LikeExpression in)
    {
        // IN, handed to JSqlParser as SIMILAR TO to get its precedence right
        net.sf.jsqlparser.expression.Expression right = in.getRightExpression();
        if (right instanceof Select) {
            throw new FilterException("subqueries are not supported in filters");
        }
        if (!(right instanceof ExpressionList<?> list) || in.getEscape() != null || in.isUseBinary()) {
            throw new FilterException("IN needs a parenthesized list of values: " + describe(in));
        }
        if (list.isEmpty()) {
            throw new FilterException("IN needs at least one value: " + describe(in));
        }
        requirePrecedence(in, in.getLeftExpression(), OTHER_OPERATOR);
        Expression operand = convert(in.getLeftExpression());
        List<Expression> values = new ArrayList<>();
        for (net.sf.jsqlparser.expression.Expression item : list) {
            Expression value = convert(item);
            requireComparable(operand, value, "IN");
            values.add(value);
        }
        return new InList(operand, values, in.isNot());
    }

    private Expression convertBetween(net.sf.jsqlparser.expression.operators.relational.Between between)
    {
        requirePrecedence(between, between.getLeftExpression(), OTHER_OPERATOR);
        requirePrecedence(between, between.getBetweenExpressionStart(), OTHER_OPERATOR);
        requirePrecedence(between, between.getBetweenExpressionEnd(), OTHER_OPERATOR);
        Expression operand = convert(between.getLeftExpression());
        Expression lower = convert(between.getBetweenExpressionStart());
        Expression upper = convert(between.getBetweenExpressionEnd());
        requireComparable(operand, lower, "BETWEEN");
        requireComparable(operand, upper, "BETWEEN");
        return new Expression.Between(operand, lower, upper, between.isNot());
    }

    private Expression convertLike(LikeExpression like)
    {
        LikeExpression.KeyWord keyWord = like.getLikeKeyWord();
        if (keyWord == LikeExpression.KeyWord.SIMILAR_TO) {
            return convertIn(like);
        }
        if (keyWord != LikeExpression.KeyWord.LIKE && keyWord != LikeExpression.KeyWord.ILIKE) {
            throw new FilterException("regular expressions are not supported in filters: " + describe(like));
        }
        if (like.isUseBinary()) {
            throw unsupported(like);
        }
        requirePrecedence(like, like.getLeftExpression(), OTHER_OPERATOR);
        requirePrecedence(like, like.getRightExpression(), OTHER_OPERATOR);
        String escape = Like.DEFAULT_ESCAPE;
        if (like.getEscape() != null) {
            if (!(like.getEscape() instanceof StringValue value) || value.getPrefix() != null) {
                throw new FilterException("ESCAPE must be a quoted string: " + describe(like));
            }
            escape = unquote(value);
            if (escape.codePointCount(0, escape.length()) > 1) {
                throw new FilterException("invalid escape string in LIKE: it must be empty or one character");
            }
        }
        Expression operand = convert(like.getLeftExpression());
        Expression pattern = convert(like.getRightExpression());
        String operator = keyWord == LikeExpression.KeyWord.ILIKE ? "ILIKE" : "LIKE";
        requireKind(operand, Set.of(Kind.TEXT, Kind.ANY), operator + " needs text");
        requireKind(pattern, Set.of(Kind.TEXT, Kind.ANY), operator + " needs a text pattern");
        return new Like(operand, pattern, escape, keyWord == LikeExpression.KeyWord.ILIKE, like.isNot());
    }

    private Expression convertCast(CastExpression cast)
    {
        boolean functionSyntax = cast.isUseCastKeyword();
        if (functionSyntax && (cast.keyword == null || !cast.keyword.equalsIgnoreCase("CAST"))) {
            throw new FilterException(cast.keyword + " is not supported in filters; use CAST or ::");
        }
        if (cast.getFormat() != null || (cast.getColumnDefinitions() != null && !cast.getColumnDefinitions().isEmpty())) {
            throw unsupported(cast);
        }
        if (!functionSyntax && !cast.isImplicitCast()) {
            requirePrecedence(cast, cast.getLeftExpression(), CAST);
        }
        CastType type = castType(cast.getColDataType());
        if (cast.isImplicitCast() && !(cast.getLeftExpression() instanceof StringValue)) {
            throw unsupported(cast);
        }
        return new Cast(convert(cast.getLeftExpression()), type);
    }

    private static CastType castType(ColDataType dataType)
    {
        if (dataType == null || dataType.getDataType() == null) {
            throw new FilterException("cast without a type");
        }
        String name = dataType.getDataType();
        if ((dataType.getArrayData() != null && !dataType.getArrayData().isEmpty()) || name.contains("[")) {
            throw new FilterException("array types are not supported in filters: " + name + "[]");
        }
        if (name.contains("(") || (dataType.getArgumentsStringList() != null && !dataType.getArgumentsStringList().isEmpty())) {
            throw new FilterException("type modifiers are not supported in casts in filters: " + name);
        }
        if (name.contains("\"")) {
            throw new FilterException("quoted type names are not supported in casts in filters: " + name);
        }
        if (name.trim().equalsIgnoreCase("json")) {
            throw new FilterException("casts to json are not supported in filters; use jsonb");
        }
        return CastType.fromName(name).orElseThrow(() -> new FilterException("casts to " + name + " are not supported in filters; supported types are "
                + Arrays.stream(CastType.values()).map(CastType::sql).collect(Collectors.joining(", "))));
    }

    private Expression convertJsonAccess(net.sf.jsqlparser.expression.BinaryExpression access, boolean asText)
    {
        requirePrecedence(access, access.getLeftExpression(), OTHER_OPERATOR);
        requirePrecedence(access, access.getRightExpression(), ADDITIVE);
        Expression operand = convert(access.getLeftExpression());
        Expression key = convert(access.getRightExpression());
        String operator = asText ? "->>" : "->";
        if (operand instanceof StringLiteral) {
            throw new FilterException("the left side of " + operator + " must be json; cast the string with ::jsonb");
        }
        requireKind(operand, Set.of(Kind.JSON, Kind.ANY), operator + " needs a json or jsonb value on its left");
        requireKind(key, Set.of(Kind.TEXT, Kind.NUMBER, Kind.ANY), operator + " needs a key (text) or an index (integer) on its right");
        return new JsonAccess(operand, key, asText);
    }

    private Expression convertArithmetic(net.sf.jsqlparser.expression.BinaryExpression arithmetic)
    {
        ArithmeticOperator operator;
        int precedence;
        if (arithmetic instanceof Addition) {
            operator = ArithmeticOperator.ADD;
            precedence = ADDITIVE;
        }
        else if (arithmetic instanceof Subtraction) {
            operator = ArithmeticOperator.SUBTRACT;
            precedence = ADDITIVE;
        }
        else if (arithmetic instanceof Multiplication) {
            operator = ArithmeticOperator.MULTIPLY;
            precedence = MULTIPLICATIVE;
        }
        else {
            operator = ArithmeticOperator.DIVIDE;
            precedence = MULTIPLICATIVE;
        }
        requirePrecedence(arithmetic, arithmetic.getLeftExpression(), precedence);
        requirePrecedence(arithmetic, arithmetic.getRightExpression(), precedence + 1);
        Expression left = convert(arithmetic.getLeftExpression());
        Expression right = convert(arithmetic.getRightExpression());
        requireKind(left, Set.of(Kind.NUMBER, Kind.ANY), operator.sql() + " needs numbers");
        requireKind(right, Set.of(Kind.NUMBER, Kind.ANY), operator.sql() + " needs numbers");
        return new Arithmetic(left, operator, right);
    }

    private Expression convertSigned(SignedExpression signed)
    {
        requirePrecedence(signed, signed.getExpression(), UNARY);
        Expression operand = convert(signed.getExpression());
        requireKind(operand, Set.of(Kind.NUMBER, Kind.ANY), "unary " + signed.getSign() + " needs a number");
        return switch (signed.getSign()) {
            case '-' -> negate(operand);
            case '+' -> operand;
            default -> throw unsupported(signed);
        };
    }

    private static Expression negate(Expression operand)
    {
        // fold the sign into a constant, as Postgres does, so that -2147483648 is one integer literal
        if (operand instanceof IntegerLiteral literal && literal.value() != Long.MIN_VALUE) {
            return new IntegerLiteral(-literal.value());
        }
        if (operand instanceof DecimalLiteral literal) {
            BigDecimal negated = literal.value().negate();
            if (literal.value().scale() == 0 && negated.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) == 0) {
                return new IntegerLiteral(Long.MIN_VALUE);
            }
            return new DecimalLiteral(negated);
        }
        return new Negation(operand);
    }

    private static Expression columnReference(Column column)
    {
        if (column.getTable() != null && column.getTable().getName() != null) {
            throw new FilterException("qualified names are not supported in filters; write the column name alone: " + describe(column));
        }
        if (column.getArrayConstructor() != null) {
            throw new FilterException("array subscripts are not supported in filters: " + describe(column));
        }
        String written = column.getColumnName();
        String name;
        if (written.length() >= 2 && written.startsWith("\"") && written.endsWith("\"")) {
            name = written.substring(1, written.length() - 1).replace("\"\"", "\"");
        }
        else {
            if (!written.chars().allMatch(character -> character == '_' || Character.isLetterOrDigit(character))) {
                throw new FilterException("not a valid column name: " + written);
            }
            name = foldCase(written);
            if (RESERVED_WORDS.contains(name)) {
                throw new FilterException("\"" + name + "\" is a reserved word in Postgres; if it is a column, write it in double quotes: \"" + name + "\"");
            }
        }
        if (name.isEmpty()) {
            throw new FilterException("zero-length quoted identifier");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAXIMUM_IDENTIFIER_BYTES) {
            throw new FilterException("column name is longer than Postgres allows (" + MAXIMUM_IDENTIFIER_BYTES + " bytes): " + name);
        }
        return new ColumnReference(name);
    }

    // Postgres folds only ASCII letters of unquoted identifiers when the encoding is UTF-8
    private static String foldCase(String identifier)
    {
        StringBuilder folded = new StringBuilder(identifier.length());
        for (int index = 0; index < identifier.length(); index++) {
            char character = identifier.charAt(index);
            folded.append(character >= 'A' && character <= 'Z' ? (char) (character + ('a' - 'A')) : character);
        }
        return folded.toString();
    }

    private static Expression integerLiteral(String digits)
    {
        BigInteger value = new BigInteger(digits);
        if (value.bitLength() < Long.SIZE) {
            return new IntegerLiteral(value.longValueExact());
        }
        return new DecimalLiteral(new BigDecimal(value));
    }

    private static Expression decimalLiteral(String text)
    {
        try {
            return new DecimalLiteral(new BigDecimal(text));
        }
        catch (NumberFormatException e) {
            throw new FilterException("not a valid number: " + text);
        }
    }

    private static Expression stringLiteral(StringValue value)
    {
        if (value.getPrefix() != null && !value.getPrefix().isEmpty()) {
            throw new FilterException("string prefixes such as E'...' are not supported in filters: " + describe(value));
        }
        return new StringLiteral(unquote(value));
    }

    private static String unquote(StringValue value)
    {
        // Postgres standard strings: '' is a quote, a backslash is just a backslash
        return value.getValue().replace("''", "'");
    }

    private static void requirePrecedence(net.sf.jsqlparser.expression.Expression parent, net.sf.jsqlparser.expression.Expression child, int minimum)
    {
        if (precedence(child) < minimum) {
            throw new FilterException("add parentheses to make the order of operations explicit: " + describe(parent));
        }
    }

    private static int precedence(net.sf.jsqlparser.expression.Expression node)
    {
        if (node instanceof OrExpression) {
            return OR;
        }
        if (node instanceof AndExpression) {
            return AND;
        }
        if (node instanceof NotExpression) {
            return NOT;
        }
        if (node instanceof IsNullExpression || node instanceof IsBooleanExpression || node instanceof IsUnknownExpression || node instanceof IsDistinctExpression) {
            return IS;
        }
        if (comparisonOperator(node) != null) {
            return COMPARISON;
        }
        if (node instanceof net.sf.jsqlparser.expression.operators.relational.Between || node instanceof LikeExpression) {
            return PATTERN;
        }
        if (node instanceof BitwiseLeftShift || node instanceof BitwiseRightShift) {
            return OTHER_OPERATOR;
        }
        if (node instanceof Addition || node instanceof Subtraction) {
            return ADDITIVE;
        }
        if (node instanceof Multiplication || node instanceof Division) {
            return MULTIPLICATIVE;
        }
        if (node instanceof SignedExpression) {
            return UNARY;
        }
        if (node instanceof CastExpression cast && !cast.isUseCastKeyword() && !cast.isImplicitCast()) {
            return CAST;
        }
        if (node instanceof net.sf.jsqlparser.expression.BinaryExpression) {
            // operators filters do not support are refused when converted; rank them loosest to be safe
            return OR;
        }
        return PRIMARY;
    }

    private static String describe(net.sf.jsqlparser.expression.Expression node)
    {
        // the text JSqlParser saw spells -> and ->> as << and >>, and IN as SIMILAR TO
        return node.toString().replace("<<", "->").replaceAll("(?<!-)>>", "->>").replace(" SIMILAR TO ", " IN ");
    }
}
