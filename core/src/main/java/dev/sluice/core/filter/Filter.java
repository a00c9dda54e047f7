package dev.sluice.core.filter;

import dev.sluice.core.filter.Expression.And;
import dev.sluice.core.filter.Expression.Arithmetic;
import dev.sluice.core.filter.Expression.ArrayConstructor;
import dev.sluice.core.filter.Expression.Between;
import dev.sluice.core.filter.Expression.Cast;
import dev.sluice.core.filter.Expression.ColumnReference;
import dev.sluice.core.filter.Expression.Comparison;
import dev.sluice.core.filter.Expression.FunctionCall;
import dev.sluice.core.filter.Expression.InList;
import dev.sluice.core.filter.Expression.IsBoolean;
import dev.sluice.core.filter.Expression.IsDistinctFrom;
import dev.sluice.core.filter.Expression.IsNull;
import dev.sluice.core.filter.Expression.JsonAccess;
import dev.sluice.core.filter.Expression.Like;
import dev.sluice.core.filter.Expression.Negation;
import dev.sluice.core.filter.Expression.Not;
import dev.sluice.core.filter.Expression.Operation;
import dev.sluice.core.filter.Expression.Or;
import dev.sluice.core.filter.Expression.Quantified;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A consumer's row filter: a SQL {@code WHERE} condition, parsed once into an {@link Expression},
 * {@linkplain #matches evaluated in Java} on changes read from the WAL, and
 * {@linkplain #toSql rendered to parameterised SQL} for backfills, so that both paths agree.
 * Immutable and thread-safe. See the package documentation for the language and its semantics.
 */
public final class Filter
{
    private final String source;
    private final Expression expression;
    private final Set<String> columns;
    private final SqlFragment sql;

    private Filter(String source, Expression expression)
    {
        this.source = requireNonNull(source, "source is null");
        this.expression = requireNonNull(expression, "expression is null");
        this.columns = collectColumns(expression);
        this.sql = SqlRenderer.render(expression);
    }

    /**
     * Parses a {@code WHERE} condition such as {@code status = 'paid' AND amount >= 100.5}.
     *
     * @throws FilterException if the text is empty, is not one valid expression, or uses a construct
     * filters do not support; the message names the problem
     */
    public static Filter parse(String sql)
    {
        requireNonNull(sql, "sql is null");
        return new Filter(sql, FilterParser.parse(sql));
    }

    /** The text the filter was parsed from. */
    public String source()
    {
        return source;
    }

    /** The parsed condition. */
    public Expression expression()
    {
        return expression;
    }

    /** The names of the columns the filter reads, in order of first use; validate them against the table. */
    public Set<String> columns()
    {
        return columns;
    }

    /**
     * Whether the row passes: the condition is true (false and unknown both reject the row, as in a
     * {@code WHERE} clause).
     *
     * @throws FilterEvaluationException where Postgres would raise an error evaluating the same
     * condition on the same row (an invalid cast, division by zero, a column the row lacks...)
     */
    public boolean matches(Row row)
    {
        return evaluate(row) == TruthValue.TRUE;
    }

    /**
     * The condition's three-valued result on the row.
     *
     * @throws FilterEvaluationException as {@link #matches}
     */
    public TruthValue evaluate(Row row)
    {
        return new Evaluator(row).evaluateCondition(expression);
    }

    /**
     * Where the answer can depend on the collation of the source's columns, in words for the user: text
     * ordering ({@code < > BETWEEN} on text compares by code point, as {@code COLLATE "C"} does) and case
     * folding ({@code lower}, {@code upper}, {@code ILIKE} fold as Postgres does in a UTF-8 database with a
     * libc or builtin collation). Empty when the filter does neither.
     */
    public List<String> collationNotes()
    {
        boolean ordersText = false;
        boolean foldsCase = false;
        Deque<Expression> pending = new ArrayDeque<>();
        pending.push(expression);
        while (!pending.isEmpty()) {
            Expression node = pending.pop();
            if (node instanceof Comparison comparison && !comparison.operator().isEquality()) {
                ordersText |= mayBeText(comparison.left()) && mayBeText(comparison.right());
            }
            if (node instanceof Between between) {
                ordersText |= mayBeText(between.operand()) && mayBeText(between.lower()) && mayBeText(between.upper());
            }
            if (node instanceof Like like && like.caseInsensitive()) {
                foldsCase = true;
            }
            if (node instanceof FunctionCall call && (call.function() == FilterFunction.LOWER || call.function() == FilterFunction.UPPER)) {
                foldsCase = true;
            }
            children(node).forEach(pending::push);
        }
        List<String> notes = new ArrayList<>();
        if (ordersText) {
            notes.add("Text is ordered by code point (as COLLATE \"C\" or C.UTF-8 order it): if the column has another collation, such as en_US.UTF-8, "
                    + "Postgres orders it differently, and so does the SQL a backfill runs.");
        }
        if (foldsCase) {
            notes.add("lower, upper and ILIKE fold case as Postgres does in a UTF-8 database with a libc or builtin collation ('ÜBER' ILIKE 'ü%'): "
                    + "under COLLATE \"C\" Postgres folds ASCII letters only, and under an ICU collation it uses full case mappings (upper('ß') is 'SS').");
        }
        return List.copyOf(notes);
    }

    private static boolean mayBeText(Expression expression)
    {
        ExpressionKinds.Kind kind = ExpressionKinds.kind(expression);
        return kind == ExpressionKinds.Kind.TEXT || kind == ExpressionKinds.Kind.ANY;
    }

    /** The condition as SQL for {@code WHERE}, with its values as parameters; see {@link SqlFragment} for how to bind them. */
    public SqlFragment toSql()
    {
        return sql;
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof Filter filter && expression.equals(filter.expression);
    }

    @Override
    public int hashCode()
    {
        return expression.hashCode();
    }

    @Override
    public String toString()
    {
        return "Filter[" + source + "]";
    }

    private static Set<String> collectColumns(Expression root)
    {
        Set<String> names = new LinkedHashSet<>();
        Deque<Expression> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Expression expression = pending.pop();
            if (expression instanceof ColumnReference column) {
                names.add(column.name());
            }
            List<Expression> children = children(expression);
            // push in reverse so that columns come out in the order they are written
            for (int index = children.size() - 1; index >= 0; index--) {
                pending.push(children.get(index));
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** The direct operands of a node, in the order they are written. */
    static List<Expression> children(Expression expression)
    {
        if (expression instanceof Comparison comparison) {
            return List.of(comparison.left(), comparison.right());
        }
        if (expression instanceof And and) {
            return and.operands();
        }
        if (expression instanceof Or or) {
            return or.operands();
        }
        if (expression instanceof Not not) {
            return List.of(not.operand());
        }
        if (expression instanceof InList in) {
            List<Expression> children = new ArrayList<>();
            children.add(in.operand());
            children.addAll(in.values());
            return children;
        }
        if (expression instanceof Between between) {
            return List.of(between.operand(), between.lower(), between.upper());
        }
        if (expression instanceof Like like) {
            return List.of(like.operand(), like.pattern());
        }
        if (expression instanceof IsNull isNull) {
            return List.of(isNull.operand());
        }
        if (expression instanceof IsBoolean isBoolean) {
            return List.of(isBoolean.operand());
        }
        if (expression instanceof IsDistinctFrom distinct) {
            return List.of(distinct.left(), distinct.right());
        }
        if (expression instanceof Cast cast) {
            return List.of(cast.operand());
        }
        if (expression instanceof JsonAccess access) {
            return List.of(access.operand(), access.key());
        }
        if (expression instanceof Arithmetic arithmetic) {
            return List.of(arithmetic.left(), arithmetic.right());
        }
        if (expression instanceof Negation negation) {
            return List.of(negation.operand());
        }
        if (expression instanceof FunctionCall call) {
            return call.arguments();
        }
        if (expression instanceof Quantified quantified) {
            return List.of(quantified.left(), quantified.array());
        }
        if (expression instanceof ArrayConstructor array) {
            return array.elements();
        }
        if (expression instanceof Operation operation) {
            return List.of(operation.left(), operation.right());
        }
        return List.of();
    }
}
