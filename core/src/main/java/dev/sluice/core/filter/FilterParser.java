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
import dev.sluice.core.filter.ExpressionKinds.Kind;
import dev.sluice.core.filter.FilterLexer.Token;
import dev.sluice.core.filter.FilterLexer.TokenType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.sluice.core.filter.ExpressionKinds.requireComparable;
import static dev.sluice.core.filter.ExpressionKinds.requireCondition;
import static dev.sluice.core.filter.ExpressionKinds.requireKind;
import static java.util.Objects.requireNonNull;

/**
 * Turns filter text into an {@link Expression}: {@link FilterLexer} splits it into tokens by
 * Postgres's lexical rules, and this recursive-descent (precedence climbing) parser builds the tree
 * with the operator precedence and associativity of Postgres's grammar ({@code gram.y}), loosest
 * first: {@code OR}; {@code AND}; {@code NOT}; {@code IS}, {@code ISNULL}, {@code NOTNULL};
 * comparisons (non-associative); {@code BETWEEN IN LIKE ILIKE}; other operators ({@code -> ->> || @> <@ && ? ?| ?&});
 * {@code + -}; {@code * / %}; unary minus; {@code ::}. Every construct filters do not support is
 * refused with a message that names it and, where there is one, the supported alternative.
 */
final class FilterParser
{
    private static final int MAXIMUM_IDENTIFIER_BYTES = 63;
    private static final int MAXIMUM_DEPTH = 100;
    // the parser's own recursion; a tree that stays within MAXIMUM_DEPTH never needs more
    private static final int MAXIMUM_RECURSION = 4 * MAXIMUM_DEPTH;

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

    // key words that only make sense as part of an expression's grammar: out of place, they are a syntax error, not a column name
    private static final Set<String> GRAMMAR_WORDS = Set.of(
            "all", "and", "any", "as", "asymmetric", "between", "distinct", "else", "end", "escape", "except", "from", "group", "having", "ilike",
            "in", "intersect", "is", "isnull", "like", "limit", "notnull", "offset", "on", "or", "order", "similar", "some", "symmetric", "then",
            "union", "using", "when", "where", "window");

    private static final Set<String> TIME_DEPENDENT = Set.of(
            "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp");

    // Postgres operator precedence, loosest first
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
    private static final int SUBSCRIPT = 12;

    private final String source;
    private final List<Token> tokens;
    private int position;
    private int recursion;

    private FilterParser(String source, List<Token> tokens)
    {
        this.source = source;
        this.tokens = tokens;
    }

    static Expression parse(String source)
    {
        requireNonNull(source, "sql is null");
        List<Token> tokens = FilterLexer.tokenize(source);
        if (tokens.isEmpty()) {
            throw new FilterException("filter is empty");
        }
        FilterParser parser = new FilterParser(source, tokens);
        Expression expression = parser.expression(OR);
        if (parser.position < tokens.size()) {
            throw parser.syntaxError(tokens.get(parser.position));
        }
        if (tooDeep(expression, 1)) {
            throw new FilterException("filter nests operators too deeply: at most " + MAXIMUM_DEPTH + " levels are allowed");
        }
        requireCondition(expression, "the filter");
        return expression;
    }

    private static boolean tooDeep(Expression expression, int level)
    {
        if (level > MAXIMUM_DEPTH) {
            return true;
        }
        for (Expression child : Filter.children(expression)) {
            if (tooDeep(child, level + 1)) {
                return true;
            }
        }
        return false;
    }

    private Expression expression(int minimum)
    {
        recursion++;
        try {
            if (recursion > MAXIMUM_RECURSION) {
                throw new FilterException("filter nests operators too deeply: at most " + MAXIMUM_DEPTH + " levels are allowed");
            }
            int start = position;
            Expression left = prefix();
            int nonAssociative = 0;
            while (position < tokens.size()) {
                int precedence = infixPrecedence();
                if (precedence == 0 || precedence < minimum) {
                    break;
                }
                if (precedence == nonAssociative) {
                    // comparisons, IS tests and BETWEEN/IN/LIKE do not chain in Postgres: a = b = c is a syntax error
                    throw syntaxError(peek());
                }
                left = infix(left, precedence, start);
                nonAssociative = precedence == IS || precedence == COMPARISON || precedence == PATTERN ? precedence : 0;
            }
            return left;
        }
        finally {
            recursion--;
        }
    }

    private Expression prefix()
    {
        Token token = next();
        if (token.type() == TokenType.OPERATOR && (token.text().equals("-") || token.text().equals("+"))) {
            // the operand binds tighter than the sign: -a::int is -(a::int)
            Expression operand = expression(UNARY + 1);
            requireKind(operand, Set.of(Kind.NUMBER, Kind.ANY), "unary " + token.text() + " needs a number");
            return token.text().equals("-") ? negate(operand) : operand;
        }
        if (isWord(token, "not")) {
            // the operand binds tighter than NOT: NOT a IS NULL is NOT (a IS NULL), NOT a AND b is (NOT a) AND b
            Expression operand = expression(NOT + 1);
            requireCondition(operand, "argument of NOT");
            return new Not(operand);
        }
        return postfixSubscript(primary(token));
    }

    private Expression postfixSubscript(Expression expression)
    {
        if (peekType(TokenType.LEFT_BRACKET)) {
            throw new FilterException("array subscripts are not supported in filters (at position " + (peek().position() + 1)
                    + "); use = ANY(array), @> or && to test elements");
        }
        return expression;
    }

    private Expression primary(Token token)
    {
        return switch (token.type()) {
            case LEFT_PARENTHESIS -> parenthesized(token);
            case NUMBER -> number(token.text());
            case STRING -> new StringLiteral(unquote(token.text()));
            case QUOTED_IDENTIFIER -> {
                if (peekType(TokenType.LEFT_PARENTHESIS)) {
                    throw new FilterException("function calls are not supported in filters: " + describeCall(token));
                }
                yield quotedColumn(token);
            }
            case IDENTIFIER -> word(token);
            case OPERATOR -> {
                if (token.text().startsWith("?")) {
                    throw new FilterException("parameters are not supported in filters: found '" + token.text() + "' at position " + (token.position() + 1)
                            + "; write the value itself");
                }
                throw syntaxError(token);
            }
            default -> throw syntaxError(token);
        };
    }

    private Expression parenthesized(Token open)
    {
        if (peekWord("select") || peekWord("with") || peekWord("values")) {
            throw new FilterException("subqueries are not supported in filters");
        }
        Expression inner = expression(OR);
        if (peekType(TokenType.COMMA)) {
            throw new FilterException("row values are not supported in filters: " + describeFrom(open, closingParenthesis(open)));
        }
        expect(TokenType.RIGHT_PARENTHESIS);
        return inner;
    }

    private Expression word(Token token)
    {
        String word = foldCase(token.text());
        switch (word) {
            case "null" -> {
                return new NullLiteral();
            }
            case "true" -> {
                return new BooleanLiteral(true);
            }
            case "false" -> {
                return new BooleanLiteral(false);
            }
            case "cast" -> {
                return castFunction();
            }
            case "array" -> {
                return arrayConstructor(token);
            }
            case "case" -> throw new FilterException("CASE expressions are not supported in filters");
            case "exists", "select" -> throw new FilterException("subqueries are not supported in filters");
            case "interval" -> throw new FilterException("intervals are not supported in filters: " + describeFrom(token, peek() == null ? token : peek()));
            case "now" -> {
                if (peekType(TokenType.LEFT_PARENTHESIS)) {
                    throw new FilterException("now() is not supported in filters: a filter must not depend on when it runs");
                }
            }
            default -> {
                // any other word is a column, a function or a typed literal: below
            }
        }
        if (TIME_DEPENDENT.contains(word)) {
            throw new FilterException(word + " is not supported in filters: a filter must not depend on when it runs");
        }
        if (peekType(TokenType.LEFT_PARENTHESIS) && !RESERVED_WORDS.contains(word)) {
            return functionCall(token, word);
        }
        if (peek() != null && peek().type() == TokenType.STRING && (CastType.fromName(word).isPresent() || word.equals("json"))) {
            // a typed literal such as DATE '2024-01-31'
            CastType type = castType(word, token);
            return new Cast(new StringLiteral(unquote(next().text())), type);
        }
        if (isMultiWordTypeStart(word) && typedLiteralFollows()) {
            position--;
            TypeName type = typeName();
            return new Cast(new StringLiteral(unquote(expect(TokenType.STRING).text())), type.type(), type.array());
        }
        if (GRAMMAR_WORDS.contains(word)) {
            throw syntaxError(token);
        }
        return column(token);
    }

    private static boolean isMultiWordTypeStart(String word)
    {
        return word.equals("double") || word.equals("timestamp") || word.equals("character");
    }

    // after "double", "timestamp" or "character": do the next words complete a type name followed by a string?
    private boolean typedLiteralFollows()
    {
        int index = position;
        while (index < tokens.size() && tokens.get(index).type() == TokenType.IDENTIFIER) {
            String word = foldCase(tokens.get(index).text());
            if (!Set.of("precision", "with", "without", "time", "zone", "varying").contains(word)) {
                return false;
            }
            index++;
        }
        return index > position && index < tokens.size() && tokens.get(index).type() == TokenType.STRING;
    }

    private Expression functionCall(Token name, String word)
    {
        FilterFunction function = FilterFunction.fromName(word).orElseThrow(() -> new FilterException(
                "function calls are not supported in filters: " + describeCall(name) + "; supported functions are " + FilterFunction.supportedNames()));
        next();
        List<Expression> arguments = new ArrayList<>();
        if (!peekType(TokenType.RIGHT_PARENTHESIS)) {
            if (peekWord("distinct") || peekWord("all") || (peek() != null && peek().text().equals("*"))) {
                throw syntaxError(peek());
            }
            arguments.add(expression(OR));
            while (peekType(TokenType.COMMA)) {
                next();
                arguments.add(expression(OR));
            }
        }
        Token close = expect(TokenType.RIGHT_PARENTHESIS);
        if (!function.acceptsArguments(arguments.size())) {
            throw new FilterException(function.sql() + " does not take " + arguments.size() + " argument" + (arguments.size() == 1 ? "" : "s") + ": "
                    + describeFrom(name, close));
        }
        String context = function.sql() + "()";
        switch (function) {
            case LOWER, UPPER, LENGTH -> requireKind(arguments.get(0), Set.of(Kind.TEXT, Kind.ANY), context + " needs text");
            case ABS -> requireKind(arguments.get(0), Set.of(Kind.NUMBER, Kind.ANY), context + " needs a number");
            case COALESCE -> ExpressionKinds.commonKind(arguments, context);
        }
        return new FunctionCall(function, arguments);
    }

    private Expression castFunction()
    {
        expect(TokenType.LEFT_PARENTHESIS);
        Expression operand = expression(OR);
        Token as = next();
        if (!isWord(as, "as")) {
            throw syntaxError(as);
        }
        TypeName type = typeName();
        expect(TokenType.RIGHT_PARENTHESIS);
        return cast(operand, type);
    }

    private Expression arrayConstructor(Token array)
    {
        if (peekType(TokenType.LEFT_PARENTHESIS)) {
            throw new FilterException("subqueries are not supported in filters: ARRAY(...) needs one; write ARRAY[...] with values");
        }
        expect(TokenType.LEFT_BRACKET);
        List<Expression> elements = new ArrayList<>();
        if (!peekType(TokenType.RIGHT_BRACKET)) {
            elements.add(expression(OR));
            while (peekType(TokenType.COMMA)) {
                next();
                elements.add(expression(OR));
            }
        }
        expect(TokenType.RIGHT_BRACKET);
        if (elements.isEmpty()) {
            throw new FilterException("cannot determine the type of an empty array: write '{}' compared with an array column, or cast it, such as '{}'::text[]");
        }
        for (Expression element : elements) {
            if (ExpressionKinds.kind(element) == Kind.ARRAY) {
                throw new FilterException("multidimensional arrays are not supported in filters: " + describeFrom(array, tokens.get(position - 1)));
            }
        }
        ExpressionKinds.commonKind(elements, "ARRAY[]");
        return new ArrayConstructor(elements);
    }

    private int infixPrecedence()
    {
        Token token = peek();
        return switch (token.type()) {
            case DOUBLE_COLON -> CAST;
            case LEFT_BRACKET -> SUBSCRIPT;
            case OPERATOR -> switch (token.text()) {
                case "=", "<>", "!=", "<", "<=", ">", ">=" -> COMPARISON;
                case "+", "-" -> ADDITIVE;
                case "*", "/", "%" -> MULTIPLICATIVE;
                default -> OTHER_OPERATOR;
            };
            case IDENTIFIER -> switch (foldCase(token.text())) {
                case "or" -> OR;
                case "and" -> AND;
                case "is", "isnull", "notnull" -> IS;
                case "in", "like", "ilike", "between", "similar" -> PATTERN;
                case "not" -> PATTERN;
                case "collate" -> throw new FilterException("COLLATE is not supported in filters: text compares by code point (as COLLATE \"C\") "
                        + "and lower, upper and ILIKE fold letters as Postgres does in a UTF-8 database");
                case "at" -> throw new FilterException("AT TIME ZONE is not supported in filters: the session time zone is UTC");
                default -> 0;
            };
            default -> 0;
        };
    }

    private Expression infix(Expression left, int precedence, int start)
    {
        Token token = next();
        return switch (precedence) {
            case OR, AND -> logical(left, precedence);
            case IS -> isTest(left, token);
            case COMPARISON -> comparison(left, token);
            case PATTERN -> pattern(left, token);
            case OTHER_OPERATOR -> otherOperator(left, token);
            case ADDITIVE, MULTIPLICATIVE -> arithmetic(left, token, precedence);
            case CAST -> cast(left, typeName());
            case SUBSCRIPT -> {
                position--;
                yield postfixSubscript(left);
            }
            default -> throw new IllegalStateException("unknown precedence " + precedence + " at " + start);
        };
    }

    private Expression logical(Expression left, int precedence)
    {
        boolean and = precedence == AND;
        List<Expression> operands = new ArrayList<>();
        add(operands, left, and);
        add(operands, expression(precedence + 1), and);
        // a chain of ANDs (or ORs) is gathered here without recursion, so long chains stay shallow
        while (peek() != null && infixPrecedence() == precedence) {
            next();
            add(operands, expression(precedence + 1), and);
        }
        return and ? new And(operands) : new Or(operands);
    }

    private static void add(List<Expression> operands, Expression operand, boolean and)
    {
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

    private Expression isTest(Expression left, Token token)
    {
        String word = foldCase(token.text());
        if (word.equals("isnull")) {
            return new IsNull(left, false);
        }
        if (word.equals("notnull")) {
            return new IsNull(left, true);
        }
        boolean negated = false;
        if (peekWord("not")) {
            next();
            negated = true;
        }
        Token what = next();
        return switch (isWord(what) ? foldCase(what.text()) : "") {
            case "null" -> new IsNull(left, negated);
            case "unknown" -> {
                requireCondition(left, "argument of IS UNKNOWN");
                yield new IsNull(left, negated);
            }
            case "true", "false" -> {
                boolean value = foldCase(what.text()).equals("true");
                requireCondition(left, value ? "argument of IS TRUE" : "argument of IS FALSE");
                yield new IsBoolean(left, value, negated);
            }
            case "distinct" -> {
                Token from = next();
                if (!isWord(from, "from")) {
                    throw syntaxError(from);
                }
                Expression right = expression(COMPARISON);
                requireComparable(left, right, "IS DISTINCT FROM");
                yield new IsDistinctFrom(left, right, negated);
            }
            default -> throw syntaxError(what);
        };
    }

    private Expression comparison(Expression left, Token token)
    {
        ComparisonOperator operator = switch (token.text()) {
            case "=" -> ComparisonOperator.EQUAL;
            case "<>", "!=" -> ComparisonOperator.NOT_EQUAL;
            case "<" -> ComparisonOperator.LESS_THAN;
            case "<=" -> ComparisonOperator.LESS_THAN_OR_EQUAL;
            case ">" -> ComparisonOperator.GREATER_THAN;
            default -> ComparisonOperator.GREATER_THAN_OR_EQUAL;
        };
        if ((peekWord("any") || peekWord("some") || peekWord("all")) && position + 1 < tokens.size()
                && tokens.get(position + 1).type() == TokenType.LEFT_PARENTHESIS) {
            boolean all = foldCase(next().text()).equals("all");
            next();
            if (peekWord("select") || peekWord("with") || peekWord("values")) {
                throw new FilterException("subqueries are not supported in filters");
            }
            Expression array = expression(OR);
            expect(TokenType.RIGHT_PARENTHESIS);
            requireKind(array, Set.of(Kind.ARRAY, Kind.ANY), operator.sql() + (all ? " ALL" : " ANY") + "(...) needs an array");
            if (array instanceof ArrayConstructor constructor) {
                constructor.elements().forEach(element -> requireComparable(left, element, operator.sql() + (all ? " ALL" : " ANY")));
            }
            return new Quantified(left, operator, all, array);
        }
        Expression right = expression(PATTERN);
        requireComparable(left, right, operator.sql());
        return new Comparison(left, operator, right);
    }

    private Expression pattern(Expression left, Token token)
    {
        boolean negated = false;
        Token keyword = token;
        if (isWord(token, "not")) {
            negated = true;
            keyword = next();
        }
        String word = isWord(keyword) ? foldCase(keyword.text()) : "";
        return switch (word) {
            case "in" -> in(left, negated);
            case "between" -> between(left, negated);
            case "like", "ilike" -> like(left, negated, word.equals("ilike"));
            case "similar" -> throw new FilterException("SIMILAR TO is not supported in filters; use LIKE or ILIKE");
            default -> throw syntaxError(keyword);
        };
    }

    private Expression in(Expression operand, boolean negated)
    {
        Token open = next();
        if (open.type() != TokenType.LEFT_PARENTHESIS) {
            throw new FilterException("IN needs a parenthesized list of values (at position " + (open.position() + 1) + "); for an array, use = ANY(array)");
        }
        if (peekWord("select") || peekWord("with") || peekWord("values")) {
            throw new FilterException("subqueries are not supported in filters");
        }
        if (peekType(TokenType.RIGHT_PARENTHESIS)) {
            throw new FilterException("IN needs at least one value: " + describeFrom(open, peek()));
        }
        List<Expression> values = new ArrayList<>();
        values.add(expression(OR));
        while (peekType(TokenType.COMMA)) {
            next();
            values.add(expression(OR));
        }
        expect(TokenType.RIGHT_PARENTHESIS);
        for (Expression value : values) {
            requireComparable(operand, value, "IN");
        }
        return new InList(operand, values, negated);
    }

    private Expression between(Expression operand, boolean negated)
    {
        boolean symmetric = false;
        if (peekWord("symmetric")) {
            next();
            symmetric = true;
        }
        else if (peekWord("asymmetric")) {
            next();
        }
        Expression lower = expression(OTHER_OPERATOR);
        Token and = next();
        if (!isWord(and, "and")) {
            throw syntaxError(and);
        }
        Expression upper = expression(OTHER_OPERATOR);
        requireComparable(operand, lower, "BETWEEN");
        requireComparable(operand, upper, "BETWEEN");
        return new Between(operand, lower, upper, negated, symmetric);
    }

    private Expression like(Expression operand, boolean negated, boolean caseInsensitive)
    {
        String operator = caseInsensitive ? "ILIKE" : "LIKE";
        Expression pattern = expression(OTHER_OPERATOR);
        String escape = Like.DEFAULT_ESCAPE;
        if (peekWord("escape")) {
            next();
            Token value = next();
            if (value.type() != TokenType.STRING) {
                throw new FilterException("ESCAPE must be a quoted string (at position " + (value.position() + 1) + ")");
            }
            escape = unquote(value.text());
            if (escape.codePointCount(0, escape.length()) > 1) {
                throw new FilterException("invalid escape string in " + operator + ": it must be empty or one character");
            }
        }
        requireKind(operand, Set.of(Kind.TEXT, Kind.ANY), operator + " needs text");
        requireKind(pattern, Set.of(Kind.TEXT, Kind.ANY), operator + " needs a text pattern");
        return new Like(operand, pattern, escape, caseInsensitive, negated);
    }

    private Expression otherOperator(Expression left, Token token)
    {
        Expression right = expression(ADDITIVE);
        String text = token.text();
        if (text.equals("->") || text.equals("->>")) {
            if (left instanceof StringLiteral) {
                throw new FilterException("the left side of " + text + " must be json; cast the string with ::jsonb");
            }
            requireKind(left, Set.of(Kind.JSON, Kind.ANY), text + " needs a json or jsonb value on its left");
            requireKind(right, Set.of(Kind.TEXT, Kind.NUMBER, Kind.ANY), text + " needs a key (text) or an index (integer) on its right");
            return new JsonAccess(left, right, text.equals("->>"));
        }
        Operator operator = Operator.fromSql(text);
        if (operator == null) {
            throw new FilterException("operator not supported in filters: " + text + " (at position " + (token.position() + 1) + ")");
        }
        switch (operator) {
            case CONCATENATE -> {
                Kind leftKind = ExpressionKinds.kind(left);
                Kind rightKind = ExpressionKinds.kind(right);
                if (!ExpressionKinds.concatenable(leftKind) && !ExpressionKinds.concatenable(rightKind)) {
                    throw new FilterException("|| needs text, jsonb or an array on one side, not " + leftKind.description() + " and " + rightKind.description()
                            + "; cast one side with ::text");
                }
            }
            case CONTAINS, CONTAINED_BY -> {
                requireKind(left, Set.of(Kind.JSON, Kind.ARRAY, Kind.ANY), operator.sql() + " needs jsonb or arrays");
                requireKind(right, Set.of(Kind.JSON, Kind.ARRAY, Kind.ANY), operator.sql() + " needs jsonb or arrays");
                requireComparable(left, right, operator.sql());
            }
            case OVERLAPS -> {
                requireKind(left, Set.of(Kind.ARRAY, Kind.ANY), "&& needs arrays");
                requireKind(right, Set.of(Kind.ARRAY, Kind.ANY), "&& needs arrays");
            }
            case HAS_KEY -> {
                requireKind(left, Set.of(Kind.JSON, Kind.ANY), "? needs jsonb on its left");
                requireKind(right, Set.of(Kind.TEXT, Kind.ANY), "? needs a key (text) on its right");
            }
            case HAS_ANY_KEY, HAS_ALL_KEYS -> {
                requireKind(left, Set.of(Kind.JSON, Kind.ANY), operator.sql() + " needs jsonb on its left");
                requireKind(right, Set.of(Kind.ARRAY, Kind.ANY), operator.sql() + " needs an array of keys on its right, such as ARRAY['a', 'b']");
            }
        }
        return new Operation(left, operator, right);
    }

    private Expression arithmetic(Expression left, Token token, int precedence)
    {
        ArithmeticOperator operator = switch (token.text()) {
            case "+" -> ArithmeticOperator.ADD;
            case "-" -> ArithmeticOperator.SUBTRACT;
            case "*" -> ArithmeticOperator.MULTIPLY;
            case "/" -> ArithmeticOperator.DIVIDE;
            default -> ArithmeticOperator.MODULO;
        };
        Expression right = expression(precedence + 1);
        requireKind(left, Set.of(Kind.NUMBER, Kind.ANY), operator.sql() + " needs numbers");
        requireKind(right, Set.of(Kind.NUMBER, Kind.ANY), operator.sql() + " needs numbers");
        return new Arithmetic(left, operator, right);
    }

    private record TypeName(CastType type, boolean array) {}

    private TypeName typeName()
    {
        Token first = next();
        if (first.type() == TokenType.QUOTED_IDENTIFIER) {
            throw new FilterException("quoted type names are not supported in casts in filters: " + first.text());
        }
        if (first.type() != TokenType.IDENTIFIER) {
            throw syntaxError(first);
        }
        StringBuilder name = new StringBuilder(foldCase(first.text()));
        String word = name.toString();
        if (word.equals("double")) {
            name.append(' ').append(foldCase(expectWord("precision").text()));
        }
        else if (word.equals("character") && peekWord("varying")) {
            name.append(' ').append(foldCase(next().text()));
        }
        else if ((word.equals("timestamp") || word.equals("time")) && (peekWord("with") || peekWord("without"))) {
            name.append(' ').append(foldCase(next().text()));
            name.append(' ').append(foldCase(expectWord("time").text()));
            name.append(' ').append(foldCase(expectWord("zone").text()));
        }
        if (peekType(TokenType.LEFT_PARENTHESIS)) {
            throw new FilterException("type modifiers are not supported in casts in filters: " + describeFrom(first, closingParenthesis(peek())));
        }
        CastType type = castType(name.toString(), first);
        boolean array = false;
        if (peekType(TokenType.LEFT_BRACKET)) {
            next();
            expect(TokenType.RIGHT_BRACKET);
            array = true;
            if (peekType(TokenType.LEFT_BRACKET)) {
                throw new FilterException("multidimensional array types are not supported in filters: " + name + "[][]");
            }
        }
        if (array && type == CastType.JSONB) {
            throw new FilterException("casts to jsonb[] are not supported in filters");
        }
        return new TypeName(type, array);
    }

    private static CastType castType(String name, Token token)
    {
        if (name.equals("json")) {
            throw new FilterException("casts to json are not supported in filters; use jsonb");
        }
        return CastType.fromName(name).orElseThrow(() -> new FilterException("casts to " + name + " are not supported in filters (at position "
                + (token.position() + 1) + "); supported types are " + Arrays.stream(CastType.values()).map(CastType::sql).collect(Collectors.joining(", "))
                + " and arrays of them"));
    }

    private static Expression cast(Expression operand, TypeName type)
    {
        if (type.array()) {
            requireKind(operand, Set.of(Kind.ARRAY, Kind.ANY, Kind.TEXT), "a cast to " + type.type().sql() + "[] needs an array or text");
        }
        return new Cast(operand, type.type(), type.array());
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

    private Expression column(Token token)
    {
        String written = token.text();
        if (!written.chars().allMatch(character -> character == '_' || Character.isLetterOrDigit(character))) {
            throw new FilterException("not a valid column name: " + written);
        }
        String name = foldCase(written);
        if (RESERVED_WORDS.contains(name)) {
            throw new FilterException("\"" + name + "\" is a reserved word in Postgres; if it is a column, write it in double quotes: \"" + name + "\"");
        }
        return columnReference(name);
    }

    private static Expression quotedColumn(Token token)
    {
        String written = token.text();
        return columnReference(written.substring(1, written.length() - 1).replace("\"\"", "\""));
    }

    private static Expression columnReference(String name)
    {
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

    private static Expression number(String text)
    {
        if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
            BigInteger value = new BigInteger(text);
            if (value.bitLength() < Long.SIZE) {
                return new IntegerLiteral(value.longValueExact());
            }
            return new DecimalLiteral(new BigDecimal(value));
        }
        try {
            return new DecimalLiteral(new BigDecimal(text));
        }
        catch (NumberFormatException e) {
            throw new FilterException("not a valid number: " + text);
        }
    }

    private static String unquote(String quoted)
    {
        // Postgres standard strings: '' is a quote, a backslash is just a backslash
        return quoted.substring(1, quoted.length() - 1).replace("''", "'");
    }

    private Token peek()
    {
        return position < tokens.size() ? tokens.get(position) : null;
    }

    private boolean peekType(TokenType type)
    {
        Token token = peek();
        return token != null && token.type() == type;
    }

    private boolean peekWord(String word)
    {
        Token token = peek();
        return token != null && isWord(token, word);
    }

    private static boolean isWord(Token token)
    {
        return token.type() == TokenType.IDENTIFIER;
    }

    private static boolean isWord(Token token, String word)
    {
        return token.type() == TokenType.IDENTIFIER && token.text().toLowerCase(Locale.ROOT).equals(word);
    }

    private Token next()
    {
        if (position >= tokens.size()) {
            throw new FilterException("syntax error in filter: unexpected end of input");
        }
        return tokens.get(position++);
    }

    private Token expect(TokenType type)
    {
        Token token = next();
        if (token.type() != type) {
            throw syntaxError(token);
        }
        return token;
    }

    private Token expectWord(String word)
    {
        Token token = next();
        if (!isWord(token, word)) {
            throw syntaxError(token);
        }
        return token;
    }

    private FilterException syntaxError(Token token)
    {
        return new FilterException("syntax error in filter at or near \"" + token.text() + "\" (position " + (token.position() + 1) + ")");
    }

    // the token that closes the parenthesis opened at open, or the last token when it is not closed
    private Token closingParenthesis(Token open)
    {
        int index = tokens.indexOf(open);
        int nesting = 0;
        for (int current = Math.max(index, 0); current < tokens.size(); current++) {
            TokenType type = tokens.get(current).type();
            if (type == TokenType.LEFT_PARENTHESIS) {
                nesting++;
            }
            else if (type == TokenType.RIGHT_PARENTHESIS) {
                nesting--;
                if (nesting == 0) {
                    return tokens.get(current);
                }
            }
        }
        return tokens.get(tokens.size() - 1);
    }

    private String describeCall(Token name)
    {
        return describeFrom(name, closingParenthesis(peek()));
    }

    private String describeFrom(Token first, Token last)
    {
        return source.substring(first.position(), Math.max(first.position(), last.position() + last.text().length()));
    }
}
