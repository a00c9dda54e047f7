package dev.sluice.store.consumer;

import dev.sluice.core.id.AccountId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A consumer: which changes of which source it receives, and how they are delivered. */
public record Consumer(
        AccountId accountId,
        String id,
        String name,
        String sourceId,
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
        Instant updatedAt)
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
    }

    /** How messages reach the consumer. */
    public enum Kind
    {
        PULL, PUSH
    }
}
