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

import java.util.ArrayList;
import java.util.List;

/**
 * Renders an {@link Expression} as SQL for Postgres. Every value goes into a parameter, every
 * identifier is double-quoted, and every operation is parenthesized, so the text Postgres parses
 * has exactly the tree's shape whatever the user wrote.
 */
final class SqlRenderer
{
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();

    private SqlRenderer() {}

    static SqlFragment render(Expression expression)
    {
        SqlRenderer renderer = new SqlRenderer();
        renderer.append(expression);
        return new SqlFragment(renderer.sql.toString(), renderer.parameters);
    }

    static String quoteIdentifier(String name)
    {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private void append(Expression expression)
    {
        if (expression instanceof ColumnReference column) {
            sql.append(quoteIdentifier(column.name()));
        }
        else if (expression instanceof NullLiteral) {
            sql.append("NULL");
        }
        else if (expression instanceof BooleanLiteral literal) {
            parameter(literal.value());
        }
        else if (expression instanceof IntegerLiteral literal) {
            // bound as integer or bigint, the type Postgres gives the same constant written in SQL
            parameter(literal.fitsInInteger() ? (Object) (int) literal.value() : (Object) literal.value());
        }
        else if (expression instanceof DecimalLiteral literal) {
            parameter(literal.value());
        }
        else if (expression instanceof StringLiteral literal) {
            parameter(literal.value());
        }
        else if (expression instanceof Comparison comparison) {
            binary(comparison.left(), comparison.operator().sql(), comparison.right());
        }
        else if (expression instanceof And and) {
            list(and.operands(), " AND ");
        }
        else if (expression instanceof Or or) {
            list(or.operands(), " OR ");
        }
        else if (expression instanceof Not not) {
            sql.append("(NOT ");
            append(not.operand());
            sql.append(')');
        }
        else if (expression instanceof InList in) {
            sql.append('(');
            append(in.operand());
            sql.append(in.negated() ? " NOT IN (" : " IN (");
            for (int index = 0; index < in.values().size(); index++) {
                if (index > 0) {
                    sql.append(", ");
                }
                append(in.values().get(index));
            }
            sql.append("))");
        }
        else if (expression instanceof Between between) {
            sql.append('(');
            append(between.operand());
            sql.append(between.negated() ? " NOT BETWEEN " : " BETWEEN ").append(between.symmetric() ? "SYMMETRIC " : "");
            append(between.lower());
            sql.append(" AND ");
            append(between.upper());
            sql.append(')');
        }
        else if (expression instanceof Like like) {
            sql.append('(');
            append(like.operand());
            sql.append(like.negated() ? " NOT" : "").append(like.caseInsensitive() ? " ILIKE " : " LIKE ");
            append(like.pattern());
            if (!like.escape().equals(Like.DEFAULT_ESCAPE)) {
                sql.append(" ESCAPE ");
                parameter(like.escape());
            }
            sql.append(')');
        }
        else if (expression instanceof IsNull isNull) {
            sql.append('(');
            append(isNull.operand());
            sql.append(isNull.negated() ? " IS NOT NULL)" : " IS NULL)");
        }
        else if (expression instanceof IsBoolean isBoolean) {
            sql.append('(');
            append(isBoolean.operand());
            sql.append(isBoolean.negated() ? " IS NOT " : " IS ").append(isBoolean.value() ? "TRUE)" : "FALSE)");
        }
        else if (expression instanceof IsDistinctFrom distinct) {
            binary(distinct.left(), distinct.negated() ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM", distinct.right());
        }
        else if (expression instanceof Cast cast) {
            sql.append("CAST(");
            append(cast.operand());
            sql.append(" AS ").append(cast.type().sql()).append(cast.array() ? "[])" : ")");
        }
        else if (expression instanceof JsonAccess access) {
            binary(access.operand(), access.asText() ? "->>" : "->", access.key());
        }
        else if (expression instanceof Arithmetic arithmetic) {
            binary(arithmetic.left(), arithmetic.operator().sql(), arithmetic.right());
        }
        else if (expression instanceof Negation negation) {
            sql.append("(- ");
            append(negation.operand());
            sql.append(')');
        }
        else if (expression instanceof FunctionCall call) {
            sql.append(call.function().sql()).append('(');
            for (int index = 0; index < call.arguments().size(); index++) {
                if (index > 0) {
                    sql.append(", ");
                }
                append(call.arguments().get(index));
            }
            sql.append(')');
        }
        else if (expression instanceof Quantified quantified) {
            sql.append('(');
            append(quantified.left());
            sql.append(' ').append(quantified.operator().sql()).append(quantified.all() ? " ALL (" : " ANY (");
            append(quantified.array());
            sql.append("))");
        }
        else if (expression instanceof ArrayConstructor array) {
            sql.append("ARRAY[");
            for (int index = 0; index < array.elements().size(); index++) {
                if (index > 0) {
                    sql.append(", ");
                }
                append(array.elements().get(index));
            }
            sql.append(']');
        }
        else if (expression instanceof Operation operation) {
            String function = switch (operation.operator()) {
                // the functions behind ? ?| ?&, whose question marks JDBC would take for parameters
                case HAS_KEY -> "jsonb_exists";
                case HAS_ANY_KEY -> "jsonb_exists_any";
                case HAS_ALL_KEYS -> "jsonb_exists_all";
                default -> null;
            };
            if (function == null) {
                binary(operation.left(), operation.operator().sql(), operation.right());
            }
            else {
                sql.append(function).append('(');
                append(operation.left());
                sql.append(", ");
                append(operation.right());
                sql.append(')');
            }
        }
        else {
            throw new IllegalStateException("unknown expression: " + expression);
        }
    }

    private void binary(Expression left, String operator, Expression right)
    {
        sql.append('(');
        append(left);
        sql.append(' ').append(operator).append(' ');
        append(right);
        sql.append(')');
    }

    private void list(List<Expression> operands, String separator)
    {
        sql.append('(');
        for (int index = 0; index < operands.size(); index++) {
            if (index > 0) {
                sql.append(separator);
            }
            append(operands.get(index));
        }
        sql.append(')');
    }

    private void parameter(Object value)
    {
        sql.append('?');
        parameters.add(value);
    }
}
