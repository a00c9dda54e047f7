package dev.sluice.core.filter;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Map.entry;

/** The types a filter may cast to, with the Postgres spellings that name each one. */
public enum CastType
{
    INTEGER("integer"),
    BIGINT("bigint"),
    NUMERIC("numeric"),
    DOUBLE_PRECISION("double precision"),
    TEXT("text"),
    BOOLEAN("boolean"),
    TIMESTAMP_WITH_TIME_ZONE("timestamp with time zone"),
    TIMESTAMP("timestamp without time zone"),
    DATE("date"),
    JSONB("jsonb");

    private static final Map<String, CastType> BY_NAME = Map.ofEntries(
            entry("int", INTEGER),
            entry("int4", INTEGER),
            entry("integer", INTEGER),
            entry("int8", BIGINT),
            entry("bigint", BIGINT),
            entry("numeric", NUMERIC),
            entry("decimal", NUMERIC),
            entry("float8", DOUBLE_PRECISION),
            entry("float", DOUBLE_PRECISION),
            entry("double precision", DOUBLE_PRECISION),
            entry("text", TEXT),
            entry("varchar", TEXT),
            entry("character varying", TEXT),
            entry("bool", BOOLEAN),
            entry("boolean", BOOLEAN),
            entry("timestamptz", TIMESTAMP_WITH_TIME_ZONE),
            entry("timestamp with time zone", TIMESTAMP_WITH_TIME_ZONE),
            entry("timestamp", TIMESTAMP),
            entry("timestamp without time zone", TIMESTAMP),
            entry("date", DATE),
            entry("jsonb", JSONB));

    private final String sql;

    CastType(String sql)
    {
        this.sql = sql;
    }

    /** The canonical Postgres name of the type, as the SQL renderer writes it. */
    public String sql()
    {
        return sql;
    }

    /** The type a Postgres type name denotes ({@code int4}, {@code timestamptz}, {@code double precision}...), if supported. */
    public static Optional<CastType> fromName(String name)
    {
        String normalized = name.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return Optional.ofNullable(BY_NAME.get(normalized));
    }
}
