package dev.sluice.stream;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Per-minute counts of messages stored, delivered and acknowledged per consumer, and when each consumer last
 * had a delivery, kept in memory and written by one thread about once a second. Appends, receives and acks
 * never touch a shared counter row inside their own transactions, so none of them waits for another's
 * counter (or holds one that a lease renewal or checkpoint would need). A process killed loses at most the
 * last second of counts; messages themselves are never counted here.
 */
public final class DeliveryCounters
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryCounters.class);
    public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

    private final Store store;
    private final Thread flusher;
    private Map<Key, long[]> counts = new HashMap<>();
    private Map<ConsumerId, Instant> lastDelivered = new HashMap<>();
    private volatile boolean closed;
    private final Object flushing = new Object();
    private boolean failing;

    private record Key(ConsumerId consumerId, Instant minute) {}

    private static final Map<Store, DeliveryCounters> BY_STORE = new IdentityHashMap<>();

    /** The process's counters for this store (one flushing thread per store), created on first use. */
    public static synchronized DeliveryCounters of(Store store)
    {
        return BY_STORE.computeIfAbsent(requireNonNull(store, "store is null"), DeliveryCounters::new);
    }

    private DeliveryCounters(Store store)
    {
        this.store = requireNonNull(store, "store is null");
        this.flusher = new Thread(this::run, "sluice-delivery-counters");
        this.flusher.setDaemon(true);
        this.flusher.start();
    }

    public void stored(ConsumerId consumerId, long count)
    {
        add(consumerId, count, 0, 0);
    }

    public void delivered(ConsumerId consumerId, long count)
    {
        add(consumerId, 0, count, 0);
    }

    public void acked(ConsumerId consumerId, long count)
    {
        add(consumerId, 0, 0, count);
    }

    /** A push delivery to the consumer's endpoint succeeded now. */
    public synchronized void deliveredToEndpoint(ConsumerId consumerId)
    {
        lastDelivered.put(consumerId, Instant.now());
    }

    private synchronized void add(ConsumerId consumerId, long stored, long delivered, long acked)
    {
        if (stored == 0 && delivered == 0 && acked == 0) {
            return;
        }
        long[] row = counts.computeIfAbsent(new Key(consumerId, Instant.now().truncatedTo(ChronoUnit.MINUTES)), key -> new long[3]);
        row[0] += stored;
        row[1] += delivered;
        row[2] += acked;
    }

    /** Writes what was counted since the last flush; counts that cannot be written are kept for the next one. */
    public void flush()
    {
        // one flush at a time (the flusher thread and a stopping process), so counts are written once and in order
        synchronized (flushing) {
            flushOnce();
        }
    }

    private void flushOnce()
    {
        Map<Key, long[]> pending;
        Map<ConsumerId, Instant> delivered;
        synchronized (this) {
            if (counts.isEmpty() && lastDelivered.isEmpty()) {
                return;
            }
            pending = counts;
            delivered = lastDelivered;
            counts = new HashMap<>();
            lastDelivered = new HashMap<>();
        }
        try {
            write(pending, delivered);
            if (failing) {
                LOG.info("delivery counts are written again");
                failing = false;
            }
        }
        catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("cannot write delivery counts yet (kept for the next try, an hour at most): {}", e.getMessage());
                failing = true;
            }
            Instant oldest = Instant.now().minus(Duration.ofHours(1));
            synchronized (this) {
                pending.entrySet().removeIf(entry -> entry.getKey().minute().isBefore(oldest));
                pending.forEach((key, row) -> {
                    long[] merged = counts.computeIfAbsent(key, ignored -> new long[3]);
                    for (int i = 0; i < 3; i++) {
                        merged[i] += row[i];
                    }
                });
                delivered.forEach(lastDelivered::putIfAbsent);
            }
        }
    }

    private void write(Map<Key, long[]> pending, Map<ConsumerId, Instant> delivered)
    {
        List<Key> keys = new ArrayList<>(pending.keySet());
        // sorted, so two processes flushing at once lock the same rows in the same order
        keys.sort((a, b) -> a.consumerId().equals(b.consumerId()) ? a.minute().compareTo(b.minute()) : a.consumerId().value().compareTo(b.consumerId().value()));
        String[] consumers = keys.stream().map(key -> key.consumerId().value()).toArray(String[]::new);
        String[] minutes = keys.stream().map(key -> key.minute().toString()).toArray(String[]::new);
        Long[] stored = keys.stream().map(key -> pending.get(key)[0]).toArray(Long[]::new);
        Long[] deliveredCounts = keys.stream().map(key -> pending.get(key)[1]).toArray(Long[]::new);
        Long[] acked = keys.stream().map(key -> pending.get(key)[2]).toArray(Long[]::new);
        List<ConsumerId> deliveredConsumers = delivered.keySet().stream().sorted(Comparator.comparing(ConsumerId::value)).toList();
        store.useTransaction(handle -> {
            if (!keys.isEmpty()) {
                // only consumers that still exist: a count for one deleted meanwhile is dropped with it
                handle.createUpdate("""
                                insert into delivery_stats (consumer_id, minute, stored, delivered, acked)
                                select c.consumer_id, c.minute, c.stored, c.delivered, c.acked
                                from unnest(cast(:consumers as text[]), cast(cast(:minutes as text[]) as timestamptz[]), cast(:stored as bigint[]),
                                            cast(:delivered as bigint[]), cast(:acked as bigint[])) as c(consumer_id, minute, stored, delivered, acked)
                                where exists (select 1 from consumers where id = c.consumer_id)
                                on conflict (consumer_id, minute) do update set stored = delivery_stats.stored + excluded.stored,
                                    delivered = delivery_stats.delivered + excluded.delivered, acked = delivery_stats.acked + excluded.acked
                                """)
                        .bind("consumers", consumers).bind("minutes", minutes).bind("stored", stored).bind("delivered", deliveredCounts)
                        .bind("acked", acked).execute();
            }
            if (!deliveredConsumers.isEmpty()) {
                handle.createUpdate("""
                                update consumers c set last_delivered_at = d.at
                                from unnest(cast(:ids as text[]), cast(cast(:ats as text[]) as timestamptz[])) as d(id, at)
                                where c.id = d.id and (c.last_delivered_at is null or c.last_delivered_at < d.at)
                                """)
                        .bind("ids", deliveredConsumers.stream().map(ConsumerId::value).toArray(String[]::new))
                        .bind("ats", deliveredConsumers.stream().map(id -> delivered.get(id).toString()).toArray(String[]::new))
                        .execute();
            }
        });
    }

    private void run()
    {
        while (!closed) {
            try {
                Thread.sleep(FLUSH_INTERVAL.toMillis());
            }
            catch (InterruptedException e) {
                break;
            }
            flush();
        }
        flush();
    }

    @Override
    public void close()
    {
        closed = true;
        flusher.interrupt();
        try {
            flusher.join(5_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
