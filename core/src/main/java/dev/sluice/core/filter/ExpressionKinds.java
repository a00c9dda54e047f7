package dev.sluice.core.filter;

import dev.sluice.core.filter.Expression.Arithmetic;
import dev.sluice.core.filter.Expression.ArrayConstructor;
import dev.sluice.core.filter.Expression.Cast;
import dev.sluice.core.filter.Expression.ColumnReference;
import dev.sluice.core.filter.Expression.DecimalLiteral;
import dev.sluice.core.filter.Expression.FunctionCall;
import dev.sluice.core.filter.Expression.IntegerLiteral;
import dev.sluice.core.filter.Expression.JsonAccess;
import dev.sluice.core.filter.Expression.Negation;
import dev.sluice.core.filter.Expression.NullLiteral;
import dev.sluice.core.filter.Expression.Operation;
import dev.sluice.core.filter.Expression.StringLiteral;

import java.util.List;
import java.util.Set;

/**
 * The coarse static type of an expression (boolean, number, text, JSON, date/time, array, or unknown
 * for columns, NULL and quoted strings), enough to refuse at parse time what Postgres refuses before
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
        ARRAY("an array"),
        ANY("any type");

        private final String description;

        Kind(String description)
        {
            this.description = description;
        }

        String description()
        {
            return description;
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
        if (expression instanceof ArrayConstructor) {
            return Kind.ARRAY;
        }
        if (expression instanceof Cast cast) {
            if (cast.array()) {
                return Kind.ARRAY;
            }
            return switch (cast.type()) {
                case INTEGER, BIGINT, NUMERIC, DOUBLE_PRECISION -> Kind.NUMBER;
                case TEXT -> Kind.TEXT;
                case BOOLEAN -> Kind.BOOLEAN;
                case TIMESTAMP_WITH_TIME_ZONE, TIMESTAMP, DATE -> Kind.DATE_TIME;
                case JSONB -> Kind.JSON;
            };
        }
        if (expression instanceof FunctionCall call) {
            return switch (call.function()) {
                case LOWER, UPPER -> Kind.TEXT;
                case LENGTH, ABS -> Kind.NUMBER;
                case COALESCE -> commonKind(call.arguments(), "coalesce()");
            };
        }
        if (expression instanceof Operation operation) {
            if (operation.operator() != Operator.CONCATENATE) {
                return Kind.BOOLEAN;
            }
            Kind left = kind(operation.left());
            Kind right = kind(operation.right());
            if (left == Kind.ARRAY || right == Kind.ARRAY) {
                return Kind.ARRAY;
            }
            if ((left == Kind.JSON || right == Kind.JSON) && left != Kind.TEXT && right != Kind.TEXT) {
                return left == Kind.JSON && right == Kind.JSON ? Kind.JSON : Kind.ANY;
            }
            if (left == Kind.ANY && right == Kind.ANY) {
                return Kind.ANY;
            }
            return Kind.TEXT;
        }
        // literals TRUE/FALSE, comparisons, logical operators, IN, BETWEEN, LIKE, ANY/ALL and IS tests
        return Kind.BOOLEAN;
    }

    /** Whether {@code ||} can take this kind on one side: text, JSON, arrays, or a value whose type is not known yet. */
    static boolean concatenable(Kind kind)
    {
        return kind == Kind.TEXT || kind == Kind.JSON || kind == Kind.ARRAY || kind == Kind.ANY;
    }

    /** The kind every known operand shares (as {@code coalesce} and {@code ARRAY[]} need), or ANY when none is known. */
    static Kind commonKind(List<Expression> operands, String context)
    {
        Kind common = Kind.ANY;
        for (Expression operand : operands) {
            Kind kind = kind(operand);
            if (kind == Kind.ANY) {
                continue;
            }
            if (common != Kind.ANY && common != kind) {
                throw new FilterException(context + " cannot mix " + common.description() + " with " + kind.description());
            }
            common = kind;
        }
        return common;
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
