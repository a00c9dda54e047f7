package dev.sluice.store.consumer;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A consumer: which changes of which source it receives, and how they are delivered. In JSON (an idempotent
 * create's stored result) its ids are their text, {@code "id"} and {@code "sourceId"}.
 */
public record Consumer(
        AccountId accountId,
        ConsumerId id,
        String name,
        SourceId sourceId,
        Kind kind,
        List<TableSelection> tables,
        List<String> actions,
        Optional<String> filter,
        Optional<String> transform,
        Optional<String> endpointId,
        Optional<String> path,
        int batchSize,
        int visibilityTimeoutSeconds,
        int maxAckPending,
        int maxDeliver,
        StartPosition start,
        long startLsn,
        boolean active,
        Instant createdAt,
        Instant updatedAt,
        FilterTransitions filterTransitions)
{
    public Consumer
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(sourceId, "sourceId is null");
        requireNonNull(kind, "kind is null");
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
        actions = List.copyOf(requireNonNull(actions, "actions is null"));
        requireNonNull(filter, "filter is null");
        requireNonNull(transform, "transform is null");
        requireNonNull(endpointId, "endpointId is null");
        requireNonNull(path, "path is null");
        requireNonNull(start, "start is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(filterTransitions, "filterTransitions is null");
    }

    /** A consumer whose filter judges the new row only ({@link FilterTransitions#NONE}). */
    public Consumer(AccountId accountId, ConsumerId id, String name, SourceId sourceId, Kind kind, List<TableSelection> tables, List<String> actions,
            Optional<String> filter, Optional<String> transform, Optional<String> endpointId, Optional<String> path, int batchSize,
            int visibilityTimeoutSeconds, int maxAckPending, int maxDeliver, StartPosition start, long startLsn, boolean active,
            Instant createdAt, Instant updatedAt)
    {
        this(accountId, id, name, sourceId, kind, tables, actions, filter, transform, endpointId, path, batchSize, visibilityTimeoutSeconds,
                maxAckPending, maxDeliver, start, startLsn, active, createdAt, updatedAt, FilterTransitions.NONE);
    }

    /** The same consumer with another {@link FilterTransitions} setting. */
    public Consumer withFilterTransitions(FilterTransitions transitions)
    {
        return new Consumer(accountId, id, name, sourceId, kind, tables, actions, filter, transform, endpointId, path, batchSize,
                visibilityTimeoutSeconds, maxAckPending, maxDeliver, start, startLsn, active, createdAt, updatedAt, transitions);
    }

    /**
     * What a consumer with a filter receives when an update moves a row into or out of the filter, as far
     * as Postgres sent the old row (REPLICA IDENTITY FULL). Without the old row the filter judges the new
     * row alone, whatever the setting.
     */
    public enum FilterTransitions
    {
        /** The filter judges the new row: an update that leaves the filter delivers nothing, one that enters it an {@code update}. */
        NONE,
        /** As ElectricSQL's shapes: a row that leaves the filter arrives as a {@code delete} of the old row, one that enters it as an {@code insert}. */
        DELETE_INSERT;

        /** The API's spelling: {@code none}, {@code delete_insert}. */
        public String apiName()
        {
            return name().toLowerCase(Locale.ROOT);
        }

        public static FilterTransitions fromApiName(String name)
        {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** How messages reach the consumer. */
    public enum Kind
    {
        PULL, PUSH
    }
}
