package dev.sluice.data.backfill;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids of the transactions the stream decoded most recently, so a backfill chunk can tell whether its
 * snapshot missed one of them (see {@link BackfillChunk}). Bounded: the oldest ids are forgotten first.
 * Used by the extraction thread only.
 */
public final class StreamedTransactions
{
    private final long[] ring;
    private int next;
    private int size;

    public StreamedTransactions(int capacity)
    {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        ring = new long[capacity];
    }

    /** Notes a decoded transaction by its 32-bit transaction id, as pgoutput sends it. */
    public void add(long xid)
    {
        ring[next] = xid & 0xFFFFFFFFL;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /**
     * Whether a snapshot sees every transaction noted here: none is at or after its {@code xmax} and none is
     * among its {@code inProgress} ones. Ids with an epoch (Postgres' 64-bit form) are compared by their low 32
     * bits, modulo 2^32 as Postgres compares them.
     */
    public boolean allVisible(long xmax, List<Long> inProgress)
    {
        Set<Long> running = new HashSet<>();
        inProgress.forEach(xid -> running.add(xid & 0xFFFFFFFFL));
        long limit = xmax & 0xFFFFFFFFL;
        for (int i = 0; i < size; i++) {
            if ((int) (ring[i] - limit) >= 0 || running.contains(ring[i])) {
                return false;
            }
        }
        return true;
    }
}
