package dev.sluice.core.filter;

import dev.sluice.core.filter.Expression.Arithmetic;
import dev.sluice.core.filter.Expression.Cast;
import dev.sluice.core.filter.Expression.ColumnReference;
import dev.sluice.core.filter.Expression.DecimalLiteral;
import dev.sluice.core.filter.Expression.IntegerLiteral;
import dev.sluice.core.filter.Expression.JsonAccess;
import dev.sluice.core.filter.Expression.Negation;
import dev.sluice.core.filter.Expression.NullLiteral;
import dev.sluice.core.filter.Expression.StringLiteral;

import java.util.Set;

/**
 * The coarse static type of an expression (boolean, number, text, JSON, date/time, or unknown for
 * columns, NULL and quoted strings), enough to refuse at parse time what Postgres refuses before
 * reading any row, such as {@code WHERE amount} or {@code note LIKE 5}.
 */
final class ExpressionKinds
{
    private ExpressionKinds() {}

    enum Kind
    {
        BOOLEAN("boolean"),
        NUMBER("a number"),
        TEXT("text"),
        JSON("json"),
        DATE_TIME("a date/time"),
        ANY("any type");

        private final String description;

        Kind(String description)
        {
            this.description = description;
        }
    }

    static Kind kind(Expression expression)
    {
        if (expression instanceof ColumnReference || expression instanceof NullLiteral || expression instanceof StringLiteral) {
            return Kind.ANY;
        }
        if (expression instanceof IntegerLiteral || expression instanceof DecimalLiteral || expression instanceof Arithmetic || expression instanceof Negation) {
            return Kind.NUMBER;
        }
        if (expression instanceof JsonAccess access) {
            return access.asText() ? Kind.TEXT : Kind.JSON;
        }
        if (expression instanceof Cast cast) {
            return switch (cast.type()) {
                case INTEGER, BIGINT, NUMERIC, DOUBLE_PRECISION -> Kind.NUMBER;
                case TEXT -> Kind.TEXT;
                case BOOLEAN -> Kind.BOOLEAN;
                case TIMESTAMP_WITH_TIME_ZONE, TIMESTAMP, DATE -> Kind.DATE_TIME;
                case JSONB -> Kind.JSON;
            };
        }
        // literals TRUE/FALSE, comparisons, logical operators, IN, BETWEEN, LIKE and IS tests
        return Kind.BOOLEAN;
    }

    static void requireCondition(Expression expression, String context)
    {
        Kind kind = kind(expression);
        if (kind != Kind.BOOLEAN && kind != Kind.ANY) {
            throw new FilterException(context + " must be a condition (type boolean), not " + kind.description);
        }
    }

    static void requireKind(Expression expression, Set<Kind> allowed, String message)
    {
        Kind kind = kind(expression);
        if (!allowed.contains(kind)) {
            throw new FilterException(message + ", not " + kind.description);
        }
    }

    static void requireComparable(Expression left, Expression right, String operator)
    {
        Kind leftKind = kind(left);
        Kind rightKind = kind(right);
        if (leftKind != Kind.ANY && rightKind != Kind.ANY && leftKind != rightKind) {
            throw new FilterException("cannot compare " + leftKind.description + " with " + rightKind.description + " (" + operator + ")");
        }
    }
}
