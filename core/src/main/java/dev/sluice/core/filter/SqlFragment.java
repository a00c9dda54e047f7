package dev.sluice.core.filter;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A condition rendered as SQL with {@code ?} placeholders, and the values for them in order. Literal
 * values never appear in {@link #sql}; identifiers appear double-quoted.
 * <p>
 * Parameters are {@link String}, {@link Integer}, {@link Long}, {@link BigDecimal} or {@link Boolean}. A
 * {@code String} stands for a quoted SQL literal, whose type Postgres infers from context ({@code '5'}
 * compared with an integer column is an integer), so it must be bound <em>untyped</em>, as
 * {@link #bind} does with {@link Types#OTHER}; binding it as {@code varchar} makes Postgres reject
 * comparisons with non-text columns. The others bind as {@code integer}, {@code bigint}, {@code numeric}
 * and {@code boolean}, which are the types Postgres gives the same literals.
 */
public record SqlFragment(String sql, List<Object> parameters)
{
    public SqlFragment
    {
        requireNonNull(sql, "sql is null");
        parameters = List.copyOf(requireNonNull(parameters, "parameters is null"));
        for (Object parameter : parameters) {
            if (!(parameter instanceof String || parameter instanceof Integer || parameter instanceof Long
                    || parameter instanceof BigDecimal || parameter instanceof Boolean)) {
                throw new IllegalArgumentException("unsupported parameter type: " + parameter.getClass().getName());
            }
        }
    }

    /** Binds the parameters to {@code statement}, the first one at {@code firstIndex} (JDBC indexes start at 1). */
    public void bind(PreparedStatement statement, int firstIndex)
            throws SQLException
    {
        requireNonNull(statement, "statement is null");
        int index = firstIndex;
        for (Object parameter : parameters) {
            if (parameter instanceof String) {
                // untyped, like a quoted literal in SQL text: Postgres resolves its type from the other operand
                statement.setObject(index, parameter, Types.OTHER);
            }
            else {
                statement.setObject(index, parameter);
            }
            index++;
        }
    }
}
