package dev.sluice.data.extract.pgoutput;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A row converted to JSON by {@link TupleConverter}.
 *
 * @param values column name → typed value, in table order; a fresh object the caller owns.
 * Columns listed in {@code unchangedToastColumns} are absent.
 * @param unchangedToastColumns columns whose TOASTed value the update left unchanged and
 * Postgres did not send, and which no full old row could supply
 */
public record JsonRow(ObjectNode values, List<String> unchangedToastColumns)
{
    public JsonRow
    {
        requireNonNull(values, "values is null");
        unchangedToastColumns = List.copyOf(requireNonNull(unchangedToastColumns, "unchangedToastColumns is null"));
    }

    public boolean isComplete()
    {
        return unchangedToastColumns.isEmpty();
    }
}
