package dev.sluice.data.extract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Lsn;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One row change of a source transaction, decoded and converted, before it is routed to consumers.
 *
 * @param commitLsn the LSN of the transaction's commit record; with {@code index} it names the change
 * @param record the new row (insert, update) or the old key or row (delete); empty for truncate
 * @param filterRow the same row as Java values, for filter evaluation
 * @param oldKey the old row or key of an update, when Postgres sent one (the key changed, or REPLICA IDENTITY FULL)
 * @param oldRow the old row of an update as Java values, when Postgres sent the full old row (REPLICA IDENTITY FULL);
 * it lets a filter judge the row before the change as well as after it
 */
public record Change(
        Lsn commitLsn,
        Instant commitTime,
        int index,
        String schema,
        String table,
        String action,
        ObjectNode record,
        Optional<ObjectNode> changes,
        List<String> unchangedColumns,
        Map<String, Object> filterRow,
        Optional<ObjectNode> oldKey,
        Optional<Map<String, Object>> oldRow)
{
    public Change
    {
        requireNonNull(commitLsn, "commitLsn is null");
        requireNonNull(commitTime, "commitTime is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
        requireNonNull(action, "action is null");
        requireNonNull(record, "record is null");
        requireNonNull(changes, "changes is null");
        unchangedColumns = List.copyOf(requireNonNull(unchangedColumns, "unchangedColumns is null"));
        requireNonNull(filterRow, "filterRow is null");
        requireNonNull(oldKey, "oldKey is null");
        requireNonNull(oldRow, "oldRow is null");
    }

    /** A change whose old row, if any, is not known as Java values. */
    public Change(Lsn commitLsn, Instant commitTime, int index, String schema, String table, String action, ObjectNode record,
            Optional<ObjectNode> changes, List<String> unchangedColumns, Map<String, Object> filterRow, Optional<ObjectNode> oldKey)
    {
        this(commitLsn, commitTime, index, schema, table, action, record, changes, unchangedColumns, filterRow, oldKey, Optional.empty());
    }
}
