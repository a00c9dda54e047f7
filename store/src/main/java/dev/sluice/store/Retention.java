package dev.sluice.store;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Deletes bookkeeping that has outlived its use: idempotency keys older than the 24 hours in which a retry
 * may reuse them, and per-minute delivery counts older than the status and console look back. Deletes run
 * in bounded batches so that a large backlog of expired rows never holds long locks. Safe to run from
 * every control-plane node at once.
 */
public final class Retention
{
    public static final Duration IDEMPOTENCY_KEYS = Duration.ofHours(24);
    public static final Duration DELIVERY_STATS = Duration.ofDays(7);
    private static final int BATCH = 10_000;

    private final Store store;

    public Retention(Store store)
    {
        this.store = requireNonNull(store, "store is null");
    }

    /** What one purge deleted. */
    public record Purged(long idempotencyKeys, long deliveryStats) {}

    public Purged purge()
    {
        // Postgres has no DELETE ... LIMIT: a batch's rows are picked by their physical address (ctid) in a subquery,
        // so each statement deletes at most BATCH rows and holds its locks only briefly
        long keys = deleteInBatches("""
                delete from idempotency_keys where ctid = any(array(
                    select ctid from idempotency_keys where created_at <= now() - make_interval(secs => :age) limit :batch))
                """, IDEMPOTENCY_KEYS);
        long stats = deleteInBatches("""
                delete from delivery_stats where ctid = any(array(
                    select ctid from delivery_stats where minute <= now() - make_interval(secs => :age) limit :batch))
                """, DELIVERY_STATS);
        return new Purged(keys, stats);
    }

    private long deleteInBatches(String sql, Duration age)
    {
        long total = 0;
        while (true) {
            int deleted = store.withHandle(handle -> handle.createUpdate(sql).bind("age", (double) age.toSeconds()).bind("batch", BATCH).execute());
            total += deleted;
            if (deleted < BATCH) {
                return total;
            }
        }
    }
}
