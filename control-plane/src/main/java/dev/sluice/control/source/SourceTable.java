package dev.sluice.control.source;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A table of a source database as the consumer wizard and the console need to see it. */
public record SourceTable(String schema, String name, List<String> primaryKey, String replicaIdentity, boolean partitioned, boolean inPublication, List<Column> columns)
{
    public SourceTable
    {
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
        primaryKey = List.copyOf(requireNonNull(primaryKey, "primaryKey is null"));
        requireNonNull(replicaIdentity, "replicaIdentity is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }

    /**
     * A column with its Postgres type as {@code format_type} prints it; {@code streamed} is false for a
     * generated column that changes from the WAL do not carry (before Postgres 18, or without the
     * publication's {@code publish_generated_columns = stored}, or a virtual one).
     */
    public record Column(String name, String type, boolean nullable, boolean generated, boolean streamed)
    {
        public Column
        {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }

        public Column(String name, String type, boolean nullable)
        {
            this(name, type, nullable, false, true);
        }
    }
}
