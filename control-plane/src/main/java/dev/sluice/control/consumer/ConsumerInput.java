package dev.sluice.control.consumer;

import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A consumer's fields as given on create (defaults already applied by the caller) or update (absent:
 * unchanged; an empty filter or transform removes it).
 */
public record ConsumerInput(
        Optional<String> name,
        Optional<String> source,
        Optional<String> kind,
        Optional<List<TableSelection>> tables,
        Optional<List<String>> actions,
        Optional<String> filter,
        Optional<String> transform,
        Optional<String> endpoint,
        Optional<String> path,
        Optional<Integer> batchSize,
        Optional<Integer> visibilityTimeoutSeconds,
        Optional<Integer> maxAckPending,
        Optional<Integer> maxDeliver,
        Optional<StartPosition> start,
        Optional<Boolean> active,
        Optional<Consumer.FilterTransitions> filterTransitions)
{
    public ConsumerInput
    {
        requireNonNull(name, "name is null");
        requireNonNull(source, "source is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(tables, "tables is null");
        requireNonNull(actions, "actions is null");
        requireNonNull(filter, "filter is null");
        requireNonNull(transform, "transform is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(path, "path is null");
        requireNonNull(batchSize, "batchSize is null");
        requireNonNull(visibilityTimeoutSeconds, "visibilityTimeoutSeconds is null");
        requireNonNull(maxAckPending, "maxAckPending is null");
        requireNonNull(maxDeliver, "maxDeliver is null");
        requireNonNull(start, "start is null");
        requireNonNull(active, "active is null");
        requireNonNull(filterTransitions, "filterTransitions is null");
    }

    /** Input that leaves the consumer's filter transitions as they are (or at their default). */
    public ConsumerInput(Optional<String> name, Optional<String> source, Optional<String> kind, Optional<List<TableSelection>> tables,
            Optional<List<String>> actions, Optional<String> filter, Optional<String> transform, Optional<String> endpoint, Optional<String> path,
            Optional<Integer> batchSize, Optional<Integer> visibilityTimeoutSeconds, Optional<Integer> maxAckPending, Optional<Integer> maxDeliver,
            Optional<StartPosition> start, Optional<Boolean> active)
    {
        this(name, source, kind, tables, actions, filter, transform, endpoint, path, batchSize, visibilityTimeoutSeconds, maxAckPending, maxDeliver,
                start, active, Optional.empty());
    }
}
