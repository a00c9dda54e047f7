package dev.sluice.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.filter.Expression.And;
import dev.sluice.core.filter.Expression.Arithmetic;
import dev.sluice.core.filter.Expression.Between;
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

import static java.util.Objects.requireNonNull;

/**
 * Evaluates an {@link Expression} on one row with Postgres semantics. Conditions yield
 * {@link Boolean#TRUE}, {@link Boolean#FALSE} or {@code null} (unknown); NULL propagates through
 * operators and casts; {@code AND} is false as soon as one operand is false, even next to an
 * unknown one, and {@code OR} likewise true. Operands are evaluated left to right and
 * {@code AND}/{@code OR} stop at the first operand that decides the result, which is the order
 * Postgres uses in practice, so an error in a later operand surfaces only when it is reached.
 */
final class Evaluator
{
    private final Row row;

    Evaluator(Row row)
    {
        this.row = requireNonNull(row, "row is null");
    }

    TruthValue evaluateCondition(Expression expression)
    {
        return TruthValue.of(condition(evaluate(expression), "WHERE"));
    }

    private Object evaluate(Expression expression)
    {
        if (expression instanceof ColumnReference column) {
            if (!row.has(column.name())) {
                throw new FilterEvaluationException("column \"" + column.name() + "\" does not exist in the row");
            }
            return SqlValues.fromRow(column.name(), row.value(column.name()));
        }
        if (expression instanceof NullLiteral) {
            return null;
        }
        if (expression instanceof BooleanLiteral literal) {
            return literal.value();
        }
        if (expression instanceof IntegerLiteral literal) {
            return literal.value();
        }
        if (expression instanceof DecimalLiteral literal) {
            return literal.value();
        }
        if (expression instanceof StringLiteral literal) {
            return new UnknownText(literal.value());
        }
        if (expression instanceof Comparison comparison) {
            return compare(evaluate(comparison.left()), comparison.operator(), evaluate(comparison.right()));
        }
        if (expression instanceof And and) {
            return and(and);
        }
        if (expression instanceof Or or) {
            return or(or);
        }
        if (expression instanceof Not not) {
            return negate(condition(evaluate(not.operand()), "NOT"));
        }
        if (expression instanceof InList in) {
            return in(in);
        }
        if (expression instanceof Between between) {
            return between(between);
        }
        if (expression instanceof Like like) {
            return like(like);
        }
        if (expression instanceof IsNull isNull) {
            return (evaluate(isNull.operand()) == null) != isNull.negated();
        }
        if (expression instanceof IsBoolean isBoolean) {
            Boolean value = condition(evaluate(isBoolean.operand()), isBoolean.value() ? "IS TRUE" : "IS FALSE");
            boolean matches = value != null && value == isBoolean.value();
            return matches != isBoolean.negated();
        }
        if (expression instanceof IsDistinctFrom distinct) {
            return isDistinct(evaluate(distinct.left()), evaluate(distinct.right())) != distinct.negated();
        }
        if (expression instanceof Cast cast) {
            Object value = evaluate(cast.operand());
            return value == null ? null : SqlValues.cast(value, cast.type());
        }
        if (expression instanceof JsonAccess access) {
            return jsonAccess(access);
        }
        if (expression instanceof Arithmetic arithmetic) {
            return arithmetic(arithmetic);
        }
        if (expression instanceof Negation negation) {
            Object value = evaluate(negation.operand());
            if (value == null) {
                return null;
            }
            if (!SqlValues.isNumber(value)) {
                throw new FilterEvaluationException("operator does not exist: - " + SqlValues.typeName(value));
            }
            return NumericArithmetic.negate(value);
        }
        throw new IllegalStateException("unknown expression: " + expression);
    }

    private static Boolean condition(Object value, String context)
    {
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        if (value instanceof UnknownText text) {
            return PostgresText.parseBoolean(text.value());
        }
        throw new FilterEvaluationException("argument of " + context + " must be type boolean, not type " + SqlValues.typeName(value));
    }

    private static Boolean negate(Boolean value)
    {
        return value == null ? null : !value;
    }

    private static Boolean compare(Object left, ComparisonOperator operator, Object right)
    {
        if (left == null || right == null) {
            return null;
        }
        return SqlValues.compare(left, right, operator);
    }

    private Boolean and(And and)
    {
        boolean unknown = false;
        for (Expression operand : and.operands()) {
            Boolean value = condition(evaluate(operand), "AND");
            if (value == null) {
                unknown = true;
            }
            else if (!value) {
                return false;
            }
        }
        return unknown ? null : Boolean.TRUE;
    }

    private Boolean or(Or or)
    {
        boolean unknown = false;
        for (Expression operand : or.operands()) {
            Boolean value = condition(evaluate(operand), "OR");
            if (value == null) {
                unknown = true;
            }
            else if (value) {
                return true;
            }
        }
        return unknown ? null : Boolean.FALSE;
    }

    private Boolean in(InList in)
    {
        Object operand = evaluate(in.operand());
        if (operand == null) {
            return null;
        }
        boolean unknown = false;
        for (Expression item : in.values()) {
            Boolean equal = compare(operand, ComparisonOperator.EQUAL, evaluate(item));
            if (equal == null) {
                unknown = true;
            }
            else if (equal) {
                return !in.negated();
            }
        }
        return unknown ? null : in.negated();
    }

    private Boolean between(Between between)
    {
        Object operand = evaluate(between.operand());
        Object lower = evaluate(between.lower());
        Object upper = evaluate(between.upper());
        Boolean aboveLower = compare(operand, ComparisonOperator.GREATER_THAN_OR_EQUAL, lower);
        Boolean belowUpper = compare(operand, ComparisonOperator.LESS_THAN_OR_EQUAL, upper);
        Boolean inside;
        if (Boolean.FALSE.equals(aboveLower) || Boolean.FALSE.equals(belowUpper)) {
            inside = false;
        }
        else if (aboveLower == null || belowUpper == null) {
            inside = null;
        }
        else {
            inside = true;
        }
        return between.negated() ? negate(inside) : inside;
    }

    private Boolean like(Like like)
    {
        Object operand = evaluate(like.operand());
        Object pattern = evaluate(like.pattern());
        if (operand == null || pattern == null) {
            return null;
        }
        String operator = (like.negated() ? "!" : "") + (like.caseInsensitive() ? "~~*" : "~~");
        if (!SqlValues.isText(operand) || !SqlValues.isText(pattern)) {
            throw new FilterEvaluationException("operator does not exist: " + SqlValues.typeName(operand) + " " + operator + " " + SqlValues.typeName(pattern));
        }
        boolean matches = LikePattern.matches(SqlValues.text(operand), SqlValues.text(pattern), like.escape(), like.caseInsensitive());
        return matches != like.negated();
    }

    private static boolean isDistinct(Object left, Object right)
    {
        if (left == null || right == null) {
            return left != right;
        }
        return !SqlValues.compare(left, right, ComparisonOperator.EQUAL);
    }

    private Object jsonAccess(JsonAccess access)
    {
        Object operand = evaluate(access.operand());
        Object key = evaluate(access.key());
        if (operand == null || key == null) {
            return null;
        }
        String operator = access.asText() ? "->>" : "->";
        if (!(operand instanceof JsonNode node)) {
            throw new FilterEvaluationException("operator does not exist: " + SqlValues.typeName(operand) + " " + operator + " " + SqlValues.typeName(key));
        }
        JsonNode result;
        if (SqlValues.isText(key)) {
            result = JsonValues.field(node, SqlValues.text(key));
        }
        else if (key instanceof Long index) {
            result = JsonValues.element(node, index);
        }
        else {
            throw new FilterEvaluationException("operator does not exist: jsonb " + operator + " " + SqlValues.typeName(key));
        }
        return access.asText() ? JsonValues.text(result) : result;
    }

    private Object arithmetic(Arithmetic arithmetic)
    {
        Object left = evaluate(arithmetic.left());
        Object right = evaluate(arithmetic.right());
        if (left instanceof UnknownText && right instanceof UnknownText) {
            throw new FilterEvaluationException("operator is not unique: unknown " + arithmetic.operator().sql() + " unknown");
        }
        if (left == null || right == null) {
            return null;
        }
        Object resolvedLeft = SqlValues.resolve(left, right);
        Object resolvedRight = SqlValues.resolve(right, left);
        if (!SqlValues.isNumber(resolvedLeft) || !SqlValues.isNumber(resolvedRight)) {
            throw new FilterEvaluationException("operator does not exist: " + SqlValues.typeName(resolvedLeft) + " "
                    + arithmetic.operator().sql() + " " + SqlValues.typeName(resolvedRight));
        }
        return NumericArithmetic.apply(arithmetic.operator(), resolvedLeft, resolvedRight);
    }
}
