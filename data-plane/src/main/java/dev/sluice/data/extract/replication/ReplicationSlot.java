package dev.sluice.data.extract.replication;

import dev.sluice.core.Lsn;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A logical replication slot as {@code pg_replication_slots} shows it.
 *
 * @param confirmedFlushLsn the position up to which the consumer confirmed; the slot holds WAL
 * from before it, and a restarted stream resumes after it
 * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
 * (Postgres 13 and newer; empty before). A {@code lost} slot was invalidated by
 * {@code max_slot_wal_keep_size} and can never stream again.
 */
public record ReplicationSlot(String name, String plugin, String database, Lsn confirmedFlushLsn, boolean active, Optional<String> walStatus)
{
    public ReplicationSlot
    {
        requireNonNull(name, "name is null");
        requireNonNull(plugin, "plugin is null");
        requireNonNull(database, "database is null");
        requireNonNull(confirmedFlushLsn, "confirmedFlushLsn is null");
        requireNonNull(walStatus, "walStatus is null");
    }

    public boolean isLost()
    {
        return walStatus.filter("lost"::equals).isPresent();
    }
}
