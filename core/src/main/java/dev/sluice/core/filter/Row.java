package dev.sluice.core.filter;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The column values of one row, as a filter reads them. Values are Java objects converted from the
 * Postgres text form: {@code null} for SQL NULL; {@link Long} or {@link Integer} for integer types;
 * {@link java.math.BigDecimal} for {@code numeric} (with its scale, so {@code 1.50} stays {@code 1.50});
 * {@link Double} for {@code float8}, and for the {@code numeric} values {@code NaN} and {@code ±Infinity};
 * {@link Boolean}; {@link String} for text types; {@link java.time.OffsetDateTime} for {@code timestamptz},
 * {@link java.time.LocalDateTime} for {@code timestamp}, {@link java.time.LocalDate} for {@code date};
 * {@link com.fasterxml.jackson.databind.JsonNode} for {@code json}/{@code jsonb}, read with decimals as
 * {@link java.math.BigDecimal} that keep their trailing zeros ({@code USE_BIG_DECIMAL_FOR_FLOATS}, without
 * {@code STRIP_TRAILING_BIGDECIMAL_ZEROES}), and where a JSON {@code null} is a
 * {@link com.fasterxml.jackson.databind.node.NullNode}, not SQL NULL. {@link Short}, {@link Float}, {@link java.math.BigInteger} and {@link java.time.Instant}
 * are accepted and widened.
 */
public interface Row
{
    /** Whether the row has this column (names are exact: {@code "Status"} is not {@code status}). */
    boolean has(String column);

    /** The value of a column the row {@linkplain #has has}; {@code null} is SQL NULL. */
    Object value(String column);

    /** A row backed by a copy of a map, which may hold {@code null} values. */
    static Row of(Map<String, ?> values)
    {
        requireNonNull(values, "values is null");
        Map<String, Object> copy = Collections.unmodifiableMap(new HashMap<>(values));
        return new Row()
        {
            @Override
            public boolean has(String column)
            {
                return copy.containsKey(column);
            }

            @Override
            public Object value(String column)
            {
                return copy.get(column);
            }

            @Override
            public String toString()
            {
                return "Row" + copy;
            }
        };
    }
}
