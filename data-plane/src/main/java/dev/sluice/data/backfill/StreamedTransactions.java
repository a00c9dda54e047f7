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
    private final Set<Long> ids;
    private int next;
    private int size;

    public StreamedTransactions(int capacity)
    {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        ring = new long[capacity];
        ids = new HashSet<>(capacity * 2);
    }

    /** Notes a decoded transaction by its 32-bit transaction id, as pgoutput sends it. */
    public void add(long xid)
    {
        long id = xid & 0xFFFFFFFFL;
        if (!ids.add(id)) {
            return;
        }
        if (size == ring.length) {
            ids.remove(ring[next]);
        }
        else {
            size++;
        }
        ring[next] = id;
        next = (next + 1) % ring.length;
    }

    /**
     * Whether a snapshot sees every transaction noted here: none is at or after its {@code xmax} and none is
     * among its {@code inProgress} ones. Ids with an epoch (Postgres' 64-bit form) are compared by their low 32
     * bits, modulo 2^32 as Postgres compares them.
     */
    public boolean allVisible(long xmax, List<Long> inProgress)
    {
        for (long xid : inProgress) {
            if (ids.contains(xid & 0xFFFFFFFFL)) {
                return false;
            }
        }
        long limit = xmax & 0xFFFFFFFFL;
        for (int i = 0; i < size; i++) {
            if ((int) (ring[i] - limit) >= 0) {
                return false;
            }
        }
        return true;
    }
}
