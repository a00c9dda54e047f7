package dev.sluice.stream;

import dev.sluice.core.id.ConsumerId;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A message as extraction produces it, before it has a sequence number. {@code commitLsn} and
 * {@code changeIndex} identify the change it came from, so storing it twice is impossible.
 */
public record NewMessage(
        ConsumerId consumerId,
        String groupKey,
        String action,
        String tableSchema,
        String tableName,
        String recordJson,
        Optional<String> changesJson,
        Optional<String> unchangedColumnsJson,
        long commitLsn,
        Instant commitTimestamp,
        int changeIndex)
{
    public NewMessage
    {
        requireNonNull(consumerId, "consumerId is null");
        requireNonNull(groupKey, "groupKey is null");
        requireNonNull(action, "action is null");
        requireNonNull(tableSchema, "tableSchema is null");
        requireNonNull(tableName, "tableName is null");
        requireNonNull(recordJson, "recordJson is null");
        requireNonNull(changesJson, "changesJson is null");
        requireNonNull(unchangedColumnsJson, "unchangedColumnsJson is null");
        requireNonNull(commitTimestamp, "commitTimestamp is null");
    }
}
