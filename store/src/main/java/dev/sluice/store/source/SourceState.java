package dev.sluice.store.source;

import dev.sluice.core.Lsn;
import dev.sluice.core.id.SourceId;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Replication progress and health of a source, written by the worker that streams it. */
public record SourceState(
        SourceId sourceId,
        Lsn checkpoint,
        Optional<String> worker,
        String state,
        Optional<Long> slotLagBytes,
        long changesRead,
        long messagesStored,
        Optional<String> lastError,
        Optional<Instant> lastErrorAt,
        Instant updatedAt)
{
    public SourceState
    {
        requireNonNull(sourceId, "sourceId is null");
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(worker, "worker is null");
        requireNonNull(state, "state is null");
        requireNonNull(slotLagBytes, "slotLagBytes is null");
        requireNonNull(lastError, "lastError is null");
        requireNonNull(lastErrorAt, "lastErrorAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
