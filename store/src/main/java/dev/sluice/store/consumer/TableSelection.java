package dev.sluice.store.consumer;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A table a consumer reads, with the columns that form its message groups (empty: the primary key). */
public record TableSelection(
        @JsonProperty("schema") String schema,
        @JsonProperty("table") String table,
        @JsonProperty("group_columns") List<String> groupColumns)
{
    public TableSelection
    {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        groupColumns = groupColumns == null ? List.of() : List.copyOf(groupColumns);
    }

    public String qualifiedName()
    {
        return schema + "." + table;
    }
}
