package dev.sluice.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
            if (value == null) {
                return null;
            }
            return cast.array() ? SqlValues.castArray(value, cast.type()) : SqlValues.cast(value, cast.type());
        }
        if (expression instanceof FunctionCall call) {
            return function(call);
        }
        if (expression instanceof Quantified quantified) {
            return quantified(quantified);
        }
        if (expression instanceof ArrayConstructor array) {
            return array(array);
        }
        if (expression instanceof Operation operation) {
            return operation(operation);
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
        Boolean inside = between(operand, lower, upper);
        if (between.symmetric() && !Boolean.TRUE.equals(inside)) {
            // BETWEEN SYMMETRIC a AND b is (BETWEEN a AND b) OR (BETWEEN b AND a)
            Boolean swapped = between(operand, upper, lower);
            inside = Boolean.TRUE.equals(swapped) ? Boolean.TRUE : ((inside == null || swapped == null) ? null : Boolean.FALSE);
        }
        return between.negated() ? negate(inside) : inside;
    }

    private static Boolean between(Object operand, Object lower, Object upper)
    {
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
        return inside;
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

    private Object function(FunctionCall call)
    {
        if (call.function() == FilterFunction.COALESCE) {
            // COALESCE evaluates its arguments only until one is not NULL
            for (Expression argument : call.arguments()) {
                Object value = evaluate(argument);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
        Object value = evaluate(call.arguments().get(0));
        if (value == null) {
            return null;
        }
        String name = call.function().sql();
        return switch (call.function()) {
            case LOWER -> PostgresText.lower(requireText(value, name));
            case UPPER -> PostgresText.upper(requireText(value, name));
            case LENGTH -> (long) requireText(value, name).codePointCount(0, requireText(value, name).length());
            case ABS -> abs(value);
            case COALESCE -> throw new IllegalStateException("handled above");
        };
    }

    private static String requireText(Object value, String function)
    {
        if (!SqlValues.isText(value)) {
            throw new FilterEvaluationException("function " + function + "(" + SqlValues.typeName(value) + ") does not exist");
        }
        return SqlValues.text(value);
    }

    private static Object abs(Object value)
    {
        if (value instanceof Long integer) {
            if (integer == Long.MIN_VALUE) {
                throw new FilterEvaluationException("bigint out of range");
            }
            return Math.abs(integer);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.abs();
        }
        if (value instanceof Double floating) {
            return Math.abs(floating);
        }
        if (value instanceof UnknownText) {
            throw new FilterEvaluationException("function abs(unknown) is not unique");
        }
        throw new FilterEvaluationException("function abs(" + SqlValues.typeName(value) + ") does not exist");
    }

    private Boolean quantified(Quantified quantified)
    {
        Object left = evaluate(quantified.left());
        Object array = evaluate(quantified.array());
        String operator = quantified.operator().sql() + (quantified.all() ? " ALL" : " ANY");
        if (array == null) {
            return null;
        }
        List<Object> elements;
        if (array instanceof UnknownText text) {
            elements = ArrayValues.flatten(ArrayValues.resolve(ArrayValues.parse(text.value()), left));
        }
        else if (array instanceof List<?> list) {
            elements = ArrayValues.flatten(list);
        }
        else {
            throw new FilterEvaluationException("op ANY/ALL (array) requires array on right side, not " + SqlValues.typeName(array) + " (" + operator + ")");
        }
        if (elements.isEmpty()) {
            return quantified.all();
        }
        if (left == null) {
            return null;
        }
        boolean unknown = false;
        for (Object element : elements) {
            Boolean result = compare(left, quantified.operator(), element);
            if (result == null) {
                unknown = true;
            }
            else if (result != quantified.all()) {
                return result;
            }
        }
        return unknown ? null : quantified.all();
    }

    private List<Object> array(ArrayConstructor constructor)
    {
        List<Object> elements = new ArrayList<>();
        Object sample = null;
        for (Expression element : constructor.elements()) {
            Object value = evaluate(element);
            elements.add(value);
            if (value != null && !(value instanceof UnknownText) && sample == null) {
                sample = value;
            }
        }
        // quoted strings take the type of the other elements, or text when all are quoted
        List<Object> resolved = new ArrayList<>(elements.size());
        for (Object value : elements) {
            if (value instanceof UnknownText text) {
                resolved.add(sample == null ? text.value() : SqlValues.resolve(text, sample));
            }
            else {
                resolved.add(value);
            }
        }
        return Collections.unmodifiableList(resolved);
    }

    private Object operation(Operation operation)
    {
        Object left = evaluate(operation.left());
        Object right = evaluate(operation.right());
        Operator operator = operation.operator();
        if (operator == Operator.CONCATENATE && (left instanceof List<?> || right instanceof List<?>)) {
            return concatenateArrays(left, right);
        }
        if (left == null || right == null) {
            return null;
        }
        return switch (operator) {
            case CONCATENATE -> concatenate(left, right);
            case CONTAINS -> contains(left, right, "@>");
            case CONTAINED_BY -> contains(right, left, "<@");
            case OVERLAPS -> {
                ArrayPair arrays = arrays(left, right, "&&");
                yield ArrayValues.overlaps(arrays.left(), arrays.right());
            }
            case HAS_KEY -> JsonValues.hasKey(json(left, operator, right), keyText(right, operator));
            case HAS_ANY_KEY, HAS_ALL_KEYS -> hasKeys(json(left, operator, right), right, operator);
        };
    }

    private static Object concatenate(Object left, Object right)
    {
        if (left instanceof UnknownText && right instanceof UnknownText) {
            return SqlValues.text(left) + SqlValues.text(right);
        }
        if ((left instanceof JsonNode || right instanceof JsonNode) && !(left instanceof String) && !(right instanceof String)) {
            Object leftJson = SqlValues.resolve(left, right);
            Object rightJson = SqlValues.resolve(right, left);
            if (leftJson instanceof JsonNode leftNode && rightJson instanceof JsonNode rightNode) {
                return JsonValues.concatenate(leftNode, rightNode);
            }
        }
        if (!SqlValues.isText(left) && !SqlValues.isText(right)) {
            throw new FilterEvaluationException("operator does not exist: " + SqlValues.typeName(left) + " || " + SqlValues.typeName(right));
        }
        // text || anything: the other operand is printed as text
        return SqlValues.castToText(left) + SqlValues.castToText(right);
    }

    private static Object concatenateArrays(Object left, Object right)
    {
        // array_cat ignores a NULL array
        if (left == null || right == null) {
            return left == null ? (right instanceof UnknownText text ? ArrayValues.parse(text.value()) : right) : left;
        }
        Object resolvedLeft = SqlValues.resolve(left, right);
        Object resolvedRight = SqlValues.resolve(right, left);
        List<Object> result = new ArrayList<>();
        for (Object side : List.of(resolvedLeft, resolvedRight)) {
            if (side instanceof List<?> list) {
                result.addAll(list);
            }
            else {
                result.add(side);
            }
        }
        return Collections.unmodifiableList(result);
    }

    private static Boolean contains(Object container, Object contained, String operator)
    {
        if (container instanceof JsonNode || contained instanceof JsonNode) {
            Object left = SqlValues.resolve(container, contained);
            Object right = SqlValues.resolve(contained, container);
            if (left instanceof JsonNode leftNode && right instanceof JsonNode rightNode) {
                return JsonValues.contains(leftNode, rightNode);
            }
            throw new FilterEvaluationException("operator does not exist: " + SqlValues.typeName(left) + " " + operator + " " + SqlValues.typeName(right));
        }
        ArrayPair arrays = arrays(container, contained, operator);
        return ArrayValues.contains(arrays.left(), arrays.right());
    }

    private record ArrayPair(List<?> left, List<?> right) {}

    private static ArrayPair arrays(Object left, Object right, String operator)
    {
        if (left instanceof UnknownText && right instanceof UnknownText) {
            throw new FilterEvaluationException("operator is not unique: unknown " + operator + " unknown");
        }
        Object resolvedLeft = SqlValues.resolve(left, right);
        Object resolvedRight = SqlValues.resolve(right, left);
        if (resolvedLeft instanceof List<?> leftArray && resolvedRight instanceof List<?> rightArray) {
            return new ArrayPair(leftArray, rightArray);
        }
        throw new FilterEvaluationException("operator does not exist: " + SqlValues.typeName(resolvedLeft) + " " + operator + " " + SqlValues.typeName(resolvedRight));
    }

    private static JsonNode json(Object value, Operator operator, Object right)
    {
        Object resolved = value instanceof UnknownText text ? JsonValues.parse(text.value()) : value;
        if (!(resolved instanceof JsonNode node)) {
            throw new FilterEvaluationException("operator does not exist: " + SqlValues.typeName(value) + " " + operator.sql() + " " + SqlValues.typeName(right));
        }
        return node;
    }

    private static String keyText(Object key, Operator operator)
    {
        if (!SqlValues.isText(key)) {
            throw new FilterEvaluationException("operator does not exist: jsonb " + operator.sql() + " " + SqlValues.typeName(key));
        }
        return SqlValues.text(key);
    }

    private static boolean hasKeys(JsonNode node, Object keys, Operator operator)
    {
        List<?> array;
        if (keys instanceof UnknownText text) {
            array = ArrayValues.parse(text.value());
        }
        else if (keys instanceof List<?> list) {
            array = list;
        }
        else {
            throw new FilterEvaluationException("operator does not exist: jsonb " + operator.sql() + " " + SqlValues.typeName(keys));
        }
        boolean all = operator == Operator.HAS_ALL_KEYS;
        for (Object key : ArrayValues.flatten(array)) {
            // NULL keys are skipped
            if (key == null) {
                continue;
            }
            boolean present = JsonValues.hasKey(node, keyText(key, operator));
            if (present != all) {
                return present;
            }
        }
        return all;
    }
}
