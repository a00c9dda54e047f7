package dev.sluice.store.backfill;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.BackfillId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A read of a consumer's tables (rewind or replay), with its progress. */
public record Backfill(
        AccountId accountId,
        BackfillId id,
        ConsumerId consumerId,
        State state,
        Optional<StartPosition> start,
        Optional<String> filter,
        List<TableSelection> tables,
        long rowsRead,
        Optional<Long> rowsEstimated,
        Optional<String> cursor,
        Optional<String> error,
        Instant createdAt,
        Instant updatedAt,
        Optional<Instant> completedAt)
{
    public Backfill
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(id, "id is null");
        requireNonNull(consumerId, "consumerId is null");
        requireNonNull(state, "state is null");
        requireNonNull(start, "start is null");
        requireNonNull(filter, "filter is null");
        tables = List.copyOf(requireNonNull(tables, "tables is null"));
        requireNonNull(rowsEstimated, "rowsEstimated is null");
        requireNonNull(cursor, "cursor is null");
        requireNonNull(error, "error is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(completedAt, "completedAt is null");
    }

    /** The life of a backfill; completed, cancelled and failed are final. */
    public enum State
    {
        PENDING, RUNNING, PAUSED, COMPLETED, CANCELLED, FAILED;

        public boolean isFinal()
        {
            return this == COMPLETED || this == CANCELLED || this == FAILED;
        }

        public String value()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
