package dev.sluice.core.filter;

import java.math.BigDecimal;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A node of a parsed filter. The tree is immutable; {@link Filter#parse} builds it from SQL text and
 * both the evaluator and the SQL renderer read it, so the two can never disagree about its shape.
 */
public sealed interface Expression
        permits Expression.ColumnReference,
        Expression.NullLiteral,
        Expression.BooleanLiteral,
        Expression.IntegerLiteral,
        Expression.DecimalLiteral,
        Expression.StringLiteral,
        Expression.Comparison,
        Expression.And,
        Expression.Or,
        Expression.Not,
        Expression.InList,
        Expression.Between,
        Expression.Like,
        Expression.IsNull,
        Expression.IsBoolean,
        Expression.IsDistinctFrom,
        Expression.Cast,
        Expression.JsonAccess,
        Expression.Arithmetic,
        Expression.Negation,
        Expression.FunctionCall,
        Expression.Quantified,
        Expression.ArrayConstructor,
        Expression.Operation
{
    /** A column of the row, by its exact name: unquoted names are folded to lower case, quoted names are kept as written. */
    record ColumnReference(String name)
            implements Expression
    {
        public ColumnReference
        {
            requireNonNull(name, "name is null");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name is empty");
            }
        }
    }

    /** The constant {@code NULL}. */
    record NullLiteral()
            implements Expression {}

    /** The constant {@code TRUE} or {@code FALSE}. */
    record BooleanLiteral(boolean value)
            implements Expression {}

    /** An integer constant; Postgres types it {@code integer} when it fits in 32 bits, otherwise {@code bigint}. */
    record IntegerLiteral(long value)
            implements Expression
    {
        /** True when Postgres would type this constant {@code integer} rather than {@code bigint}. */
        public boolean fitsInInteger()
        {
            return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
        }
    }

    /** An exact {@code numeric} constant: a number written with a point or an exponent, or an integer too large for {@code bigint}. */
    record DecimalLiteral(BigDecimal value)
            implements Expression
    {
        public DecimalLiteral
        {
            requireNonNull(value, "value is null");
            if (value.scale() < 0) {
                // numeric never has a negative display scale: 1e3 is 1000
                value = value.setScale(0);
            }
        }
    }

    /** A quoted string constant; as in Postgres its type comes from context, so {@code '5'} compares with a number as a number. */
    record StringLiteral(String value)
            implements Expression
    {
        public StringLiteral
        {
            requireNonNull(value, "value is null");
        }
    }

    /** {@code left <operator> right}. */
    record Comparison(Expression left, ComparisonOperator operator, Expression right)
            implements Expression
    {
        public Comparison
        {
            requireNonNull(left, "left is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(right, "right is null");
        }
    }

    /** The conjunction of two or more operands. */
    record And(List<Expression> operands)
            implements Expression
    {
        public And
        {
            operands = List.copyOf(requireNonNull(operands, "operands is null"));
            if (operands.size() < 2) {
                throw new IllegalArgumentException("AND needs at least two operands");
            }
        }
    }

    /** The disjunction of two or more operands. */
    record Or(List<Expression> operands)
            implements Expression
    {
        public Or
        {
            operands = List.copyOf(requireNonNull(operands, "operands is null"));
            if (operands.size() < 2) {
                throw new IllegalArgumentException("OR needs at least two operands");
            }
        }
    }

    /** {@code NOT operand}. */
    record Not(Expression operand)
            implements Expression
    {
        public Not
        {
            requireNonNull(operand, "operand is null");
        }
    }

    /** {@code operand [NOT] IN (values...)}. */
    record InList(Expression operand, List<Expression> values, boolean negated)
            implements Expression
    {
        public InList
        {
            requireNonNull(operand, "operand is null");
            values = List.copyOf(requireNonNull(values, "values is null"));
            if (values.isEmpty()) {
                throw new IllegalArgumentException("IN needs at least one value");
            }
        }
    }

    /**
     * {@code operand [NOT] BETWEEN [SYMMETRIC] lower AND upper}; {@code SYMMETRIC} swaps the bounds when
     * {@code lower} is greater than {@code upper}.
     */
    record Between(Expression operand, Expression lower, Expression upper, boolean negated, boolean symmetric)
            implements Expression
    {
        public Between
        {
            requireNonNull(operand, "operand is null");
            requireNonNull(lower, "lower is null");
            requireNonNull(upper, "upper is null");
        }

        public Between(Expression operand, Expression lower, Expression upper, boolean negated)
        {
            this(operand, lower, upper, negated, false);
        }
    }

    /**
     * {@code operand [NOT] LIKE|ILIKE pattern [ESCAPE escape]}. The escape is empty (no escape character)
     * or one character; Postgres's default is a backslash.
     */
    record Like(Expression operand, Expression pattern, String escape, boolean caseInsensitive, boolean negated)
            implements Expression
    {
        public static final String DEFAULT_ESCAPE = "\\";

        public Like
        {
            requireNonNull(operand, "operand is null");
            requireNonNull(pattern, "pattern is null");
            requireNonNull(escape, "escape is null");
            if (escape.codePointCount(0, escape.length()) > 1) {
                throw new IllegalArgumentException("escape must be empty or one character");
            }
        }
    }

    /** {@code operand IS [NOT] NULL}. */
    record IsNull(Expression operand, boolean negated)
            implements Expression
    {
        public IsNull
        {
            requireNonNull(operand, "operand is null");
        }
    }

    /** {@code operand IS [NOT] TRUE|FALSE}; never unknown. */
    record IsBoolean(Expression operand, boolean value, boolean negated)
            implements Expression
    {
        public IsBoolean
        {
            requireNonNull(operand, "operand is null");
        }
    }

    /** {@code left IS [NOT] DISTINCT FROM right}: equality that treats two NULLs as equal; never unknown. */
    record IsDistinctFrom(Expression left, Expression right, boolean negated)
            implements Expression
    {
        public IsDistinctFrom
        {
            requireNonNull(left, "left is null");
            requireNonNull(right, "right is null");
        }
    }

    /** {@code operand::type} or {@code CAST(operand AS type)}; when {@code array}, the type is {@code type[]}. */
    record Cast(Expression operand, CastType type, boolean array)
            implements Expression
    {
        public Cast
        {
            requireNonNull(operand, "operand is null");
            requireNonNull(type, "type is null");
        }

        public Cast(Expression operand, CastType type)
        {
            this(operand, type, false);
        }
    }

    /** {@code operand -> key} (a JSON value) or, when {@code asText}, {@code operand ->> key} (text); the key is an object key or an array index. */
    record JsonAccess(Expression operand, Expression key, boolean asText)
            implements Expression
    {
        public JsonAccess
        {
            requireNonNull(operand, "operand is null");
            requireNonNull(key, "key is null");
        }
    }

    /** {@code left + - * / right} on numbers. */
    record Arithmetic(Expression left, ArithmeticOperator operator, Expression right)
            implements Expression
    {
        public Arithmetic
        {
            requireNonNull(left, "left is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(right, "right is null");
        }
    }

    /** Unary minus. */
    record Negation(Expression operand)
            implements Expression
    {
        public Negation
        {
            requireNonNull(operand, "operand is null");
        }
    }

    /** A call of one of the {@linkplain FilterFunction functions filters support}, such as {@code lower(status)}. */
    record FunctionCall(FilterFunction function, List<Expression> arguments)
            implements Expression
    {
        public FunctionCall
        {
            requireNonNull(function, "function is null");
            arguments = List.copyOf(requireNonNull(arguments, "arguments is null"));
        }
    }

    /** {@code left <operator> ANY|SOME|ALL (array)}: the comparison with each element of the array, OR-ed ({@code ANY}) or AND-ed ({@code ALL}). */
    record Quantified(Expression left, ComparisonOperator operator, boolean all, Expression array)
            implements Expression
    {
        public Quantified
        {
            requireNonNull(left, "left is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(array, "array is null");
        }
    }

    /** {@code ARRAY[elements...]}. */
    record ArrayConstructor(List<Expression> elements)
            implements Expression
    {
        public ArrayConstructor
        {
            elements = List.copyOf(requireNonNull(elements, "elements is null"));
        }
    }

    /** {@code left <operator> right} for the operators on text, JSON and arrays: {@code || @> <@ && ? ?| ?&}. */
    record Operation(Expression left, Operator operator, Expression right)
            implements Expression
    {
        public Operation
        {
            requireNonNull(left, "left is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(right, "right is null");
        }
    }
}
