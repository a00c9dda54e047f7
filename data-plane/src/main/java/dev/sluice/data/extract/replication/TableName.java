package dev.sluice.data.extract.replication;

import static java.util.Objects.requireNonNull;

/** A table of the source database, by schema and name (as stored, case-sensitive). */
public record TableName(String schema, String table)
{
    public TableName
    {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        if (schema.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("schema and table must not be empty");
        }
    }

    /** The name quoted for SQL, for example {@code "public"."Orders"}. */
    public String quoted()
    {
        return Identifiers.quote(schema) + "." + Identifiers.quote(table);
    }

    @Override
    public String toString()
    {
        return schema + "." + table;
    }
}
