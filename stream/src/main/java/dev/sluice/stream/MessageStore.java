package dev.sluice.stream;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.store.Page;
import dev.sluice.store.Store;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.locator.ClasspathSqlLocator;
import org.jdbi.v3.core.mapper.RowMapper;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Delivery over a consumer's stream: an append-only log ({@code stream_log}), a cursor into it
 * ({@code stream_cursors}) and the window of messages between the ack floor and the cursor
 * ({@code stream_pending}): in flight, blocked behind an earlier message of their group, nacked until a due
 * time, or redriven. A receive moves the next messages past the cursor into the window and delivers the
 * window's due group heads; an ack deletes its message from the window and unblocks the group's next one.
 * The log itself is never updated or deleted from: whole generations of it are dropped once consumed
 * ({@link StreamRetention}). A consumer far behind costs its cursor, not a row of state per message.
 *
 * <p>Strict FIFO per group: a message enters the window blocked when its group already has one there, and only
 * unblocked messages are delivered (a push deliverer may take a group's next messages with its head, as one
 * run it sends in order). Receivers of one consumer deliver from its window side by side (each skips the rows
 * another has locked); one at a time moves messages past the cursor, under an exclusive advisory lock per
 * consumer that acks, nacks and dead-lettering take shared, so a message entering the window always sees
 * whether its group's head is still there.
 *
 * <p>Every statement is scoped to one consumer, and reads its window above the consumer's floor ({@code floor_seq}):
 * nothing of it lies below, and below is where the dead entries every ack leaves in the window's indexes pile up
 * until VACUUM comes by, so a scan starts past them. A receive that moves the cursor raises the floor, a redrive
 * (which brings messages back under their old numbers) lowers it.
 */
public final class MessageStore
{
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The first key of the two-key advisory locks taken per consumer. */
    private static final int LOCK_NAMESPACE = 0x534c;
    /** The colder statements, in {@code dev/sluice/stream/MessageStore/<name>.sql}; the hot ones are functions (changelog 019). */
    private static final ClasspathSqlLocator SQL = ClasspathSqlLocator.create();

    private final Store store;
    private final StreamMetrics metrics;
    private final DeliveryCounters counters;
    private final Map<ConsumerId, Long> keys = new ConcurrentHashMap<>();

    public MessageStore(Store store, StreamMetrics metrics)
    {
        this.store = requireNonNull(store, "store is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.counters = DeliveryCounters.of(store);
    }

    /** A message handed to a receiver, with the ack id of this delivery. */
    public record Delivery(StoredMessage message, String ackId)
    {
        public Delivery
        {
            requireNonNull(message, "message is null");
            requireNonNull(ackId, "ackId is null");
        }
    }

    /** What became of one ack id. */
    public enum Outcome
    {
        OK, EXPIRED, UNKNOWN
    }

    /** A dead-lettered message and why. */
    public record DeadLetter(StoredMessage message, String reason, Instant deadLetteredAt) {}

    /** Counts for the status API. */
    public record Counts(long backlog, long inFlight, long deadLetters, long deliveredLastMinute) {}

    /** Messages stored, delivered and acknowledged in one minute. */
    public record Minute(Instant minute, long stored, long delivered, long acked) {}

    /**
     * Delivers up to {@code max} due group heads and makes them invisible for {@code visibility}. A head already
     * delivered {@code maxDeliver} times goes to the dead letters instead, and its group moves on.
     */
    public List<Delivery> receive(ConsumerId consumerId, int max, Duration visibility, int maxDeliver, int maxAckPending)
    {
        return receive(consumerId, max, visibility, maxDeliver, maxAckPending, 1, Optional.empty());
    }

    /** Receives within a transaction that {@code guard} may veto first (a data-plane worker's lease fence). */
    public List<Delivery> receive(ConsumerId consumerId, int max, Duration visibility, int maxDeliver, int maxAckPending, Consumer<Handle> guard)
    {
        return receive(consumerId, max, visibility, maxDeliver, maxAckPending, 1, Optional.of(guard));
    }

    /**
     * Receives up to {@code max} group heads, each with up to {@code perGroup - 1} of its group's next messages
     * (a run the caller must process in order: acknowledging each only after the one before it, and giving
     * back what is left of the run when one fails). Deliveries are ordered by sequence number.
     */
    public List<Delivery> receive(ConsumerId consumerId, int max, Duration visibility, int maxDeliver, int maxAckPending, int perGroup, Consumer<Handle> guard)
    {
        return receive(consumerId, max, visibility, maxDeliver, maxAckPending, perGroup, Optional.of(guard));
    }

    /** Without a guard the receive is one statement, its own transaction: no BEGIN and COMMIT around it. */
    private List<Delivery> receive(ConsumerId consumerId, int max, Duration visibility, int maxDeliver, int maxAckPending, int perGroup,
            Optional<Consumer<Handle>> guard)
    {
        long key = key(consumerId);
        String nonce = HexFormat.of().formatHex(randomBytes());
        List<StoredMessage> delivered = new ArrayList<>();
        long[] deadLettered = new long[1];
        // one statement (stream_receive, changelog 019-stream-functions.sql): due heads, fresh messages past the cursor, dead
        // letters for heads out of attempts and a push run's successors, with their payloads; a guard adds its own statement
        HandleCallback<Void, RuntimeException> work = handle -> {
            delivered.clear();
            deadLettered[0] = 0;
            guard.ifPresent(check -> check.accept(handle));
            handle.createQuery("""
                            select * from stream_receive(:k, :consumer, :max, :visibility, :maxDeliver, :maxAckPending, :perGroup, :nonce, :reason)
                            """)
                    .bind("k", key).bind("consumer", consumerId).bind("max", max).bind("visibility", visibility.toMillis() / 1000.0)
                    .bind("maxDeliver", maxDeliver).bind("maxAckPending", maxAckPending).bind("perGroup", perGroup).bind("nonce", nonce)
                    .bind("reason", "not acknowledged after " + maxDeliver + " deliveries")
                    .map((rs, ctx) -> {
                        if ("dead".equals(rs.getString("kind"))) {
                            deadLettered[0]++;
                        }
                        else {
                            delivered.add(new StoredMessage(consumerId, rs.getLong("seq"), rs.getString("group_key"), rs.getString("action"),
                                    rs.getString("table_schema"), rs.getString("table_name"), rs.getString("record"), Optional.ofNullable(rs.getString("changes")),
                                    Optional.ofNullable(rs.getString("unchanged_columns")), rs.getLong("commit_lsn"),
                                    rs.getTimestamp("commit_timestamp").toInstant(), rs.getInt("change_index"), rs.getInt("deliver_count")));
                        }
                        return 0;
                    })
                    .list();
            return null;
        };
        if (guard.isEmpty()) {
            store.withHandle(work);
        }
        else {
            store.inTransaction(work);
        }
        if (deadLettered[0] > 0) {
            metrics.deadLettered(consumerId, deadLettered[0]);
        }
        List<Delivery> received = new ArrayList<>(delivered.size());
        for (StoredMessage message : delivered) {
            received.add(new Delivery(message, message.seq() + "-" + message.deliverCount() + "-" + nonce));
        }
        if (!received.isEmpty()) {
            counters.delivered(consumerId, received.size());
            metrics.delivered(consumerId, received.size(), received.stream().filter(delivery -> delivery.message().deliverCount() > 1).count());
        }
        return received;
    }

    /** The log rows of the given messages with their deliver counts, by sequence number. */
    private static Map<Long, StoredMessage> payloads(Handle handle, ConsumerId consumerId, long key, Map<Long, Integer> deliverCounts)
    {
        Map<Long, StoredMessage> messages = new TreeMap<>();
        if (deliverCounts.isEmpty()) {
            return messages;
        }
        RowMapper<StoredMessage> mapper = (rs, ctx) -> new StoredMessage(consumerId, rs.getLong("seq"), rs.getString("group_key"), rs.getString("action"),
                rs.getString("table_schema"), rs.getString("table_name"), rs.getString("record"), Optional.ofNullable(rs.getString("changes")),
                Optional.ofNullable(rs.getString("unchanged_columns")), rs.getLong("commit_lsn"), rs.getTimestamp("commit_timestamp").toInstant(),
                rs.getInt("change_index"), deliverCounts.get(rs.getLong("seq")));
        // a redriven message may be in the log twice (its first generation not dropped yet): either copy will do
        handle.createQuery("select * from stream_log where consumer_key = :k and seq = any(:seqs)")
                .bind("k", key).bind("seqs", deliverCounts.keySet().toArray(Long[]::new))
                .map(mapper).forEach(message -> messages.putIfAbsent(message.seq(), message));
        return messages;
    }

    /**
     * Acknowledges deliveries: each message leaves the window and its group's next message may be delivered. An
     * ack id whose delivery timed out, was nacked or was delivered again since is {@link Outcome#EXPIRED}; one that
     * names no waiting message (acked already, or never issued) is {@link Outcome#UNKNOWN}.
     */
    public Map<String, Outcome> ack(ConsumerId consumerId, List<String> ackIds)
    {
        long key = key(consumerId);
        List<AckId> parsed = AckId.parseAll(ackIds);
        List<Instant> committed = new ArrayList<>();
        Set<Long> waiting = new HashSet<>();
        Set<String> ok = new HashSet<>();
        // one statement (stream_ack, changelog 019-stream-functions.sql), its own transaction
        store.useHandle(handle -> handle.createQuery("select * from stream_ack(:k, :seqs, :counts, :nonces)")
                .bind("k", key).bind("seqs", AckId.seqs(parsed)).bind("counts", AckId.counts(parsed)).bind("nonces", AckId.nonces(parsed))
                .map((rs, ctx) -> {
                    if ("waiting".equals(rs.getString("kind"))) {
                        waiting.add(rs.getLong("seq"));
                    }
                    else {
                        ok.add(rs.getString("ack_id"));
                        committed.add(rs.getTimestamp("commit_timestamp").toInstant());
                    }
                    return 0;
                })
                .list());
        Map<String, Outcome> outcomes = outcomes(ackIds, parsed, ok, waiting);
        if (!committed.isEmpty()) {
            counters.acked(consumerId, committed.size());
            metrics.acked(consumerId, committed);
        }
        return outcomes;
    }

    /** Makes in-flight deliveries visible again after {@code delay}; their deliver counts stay raised. */
    public Map<String, Outcome> nack(ConsumerId consumerId, List<String> ackIds, Duration delay)
    {
        return giveBack(consumerId, ackIds, delay, false);
    }

    /**
     * Gives back deliveries that were received but never handed to anyone (the rest of a push run after a failed
     * request): visible again after {@code delay}, their deliver counts as before the receive.
     */
    public Map<String, Outcome> release(ConsumerId consumerId, List<String> ackIds, Duration delay)
    {
        return giveBack(consumerId, ackIds, delay, true);
    }

    private Map<String, Outcome> giveBack(ConsumerId consumerId, List<String> ackIds, Duration delay, boolean undelivered)
    {
        long key = key(consumerId);
        List<AckId> parsed = AckId.parseAll(ackIds);
        return store.inTransaction(handle -> {
            lockShared(handle, key);
            Set<Long> waiting = waiting(handle, key, parsed);
            Set<String> given = Set.copyOf(handle.createQuery(sql("giveBack"))
                    .bind("k", key).bind("seqs", AckId.seqs(parsed)).bind("counts", AckId.counts(parsed)).bind("nonces", AckId.nonces(parsed))
                    .bind("delay", delay.toMillis() / 1000.0).bind("undelivered", undelivered ? 1 : 0).mapTo(String.class).list());
            return outcomes(ackIds, parsed, given, waiting);
        });
    }

    /** When the consumer's next nacked or timed-out message comes due, if one waits in its window. */
    public Optional<Instant> nextDue(ConsumerId consumerId)
    {
        long key = key(consumerId);
        return store.withHandle(handle -> handle.createQuery("""
                        select min(visible_at) from stream_pending
                        where consumer_key = :k and seq > (select floor_seq from stream_cursors where consumer_key = :k) and not blocked
                        """)
                .bind("k", key).mapTo(Timestamp.class).findOne().map(Timestamp::toInstant));
    }

    public Page<DeadLetter> deadLetters(ConsumerId consumerId, long afterSeq, int limit)
    {
        List<DeadLetter> rows = store.withHandle(handle -> handle.createQuery("""
                        select * from dead_letters where consumer_id = :c and seq > :after order by seq limit :limit
                        """)
                .bind("c", consumerId).bind("after", afterSeq).bind("limit", limit + 1)
                .map((rs, ctx) -> new DeadLetter(new StoredMessage(new ConsumerId(rs.getString("consumer_id")), rs.getLong("seq"), rs.getString("group_key"),
                        rs.getString("action"), rs.getString("table_schema"), rs.getString("table_name"), rs.getString("record"),
                        Optional.ofNullable(rs.getString("changes")), Optional.ofNullable(rs.getString("unchanged_columns")), rs.getLong("commit_lsn"),
                        rs.getTimestamp("commit_timestamp").toInstant(), rs.getInt("change_index"), rs.getInt("deliver_count")),
                        rs.getString("reason"), rs.getTimestamp("dead_lettered_at").toInstant()))
                .list());
        return Page.of(rows, limit, row -> Long.toString(row.message().seq()));
    }

    /**
     * Puts dead letters back into the stream under their original sequence numbers, so each is delivered before
     * the later messages of its group that are not in flight. Empty {@code seqs} means all.
     */
    public long redrive(ConsumerId consumerId, Optional<List<Long>> seqs)
    {
        long key = key(consumerId);
        long moved = store.inTransaction(handle -> {
            lockExclusive(handle, key);
            List<String> groups = handle.createQuery(sql("redrive"))
                    .bind("c", consumerId).bind("k", key).bind("all", seqs.isEmpty()).bind("seqs", seqs.orElse(List.of()).toArray(Long[]::new))
                    .mapTo(String.class).list();
            if (!groups.isEmpty()) {
                // each group's oldest message leads again; the ones after it that are not in flight wait behind it
                handle.createUpdate(sql("redriveReorder"))
                        .bind("k", key).bind("groups", groups.stream().distinct().sorted().toArray(String[]::new)).execute();
            }
            return (long) groups.size();
        });
        return moved;
    }

    public long discard(ConsumerId consumerId, Optional<List<Long>> seqs)
    {
        return store.withHandle(handle -> (long) handle.createUpdate("delete from dead_letters where consumer_id = :c and (:all or seq = any(:seqs))")
                .bind("c", consumerId).bind("all", seqs.isEmpty()).bind("seqs", seqs.orElse(List.of()).toArray(Long[]::new)).execute());
    }

    public Counts counts(ConsumerId consumerId)
    {
        long key = key(consumerId);
        return store.withHandle(handle -> handle.createQuery(sql("counts"))
                .bind("c", consumerId).bind("k", key)
                .map((rs, ctx) -> new Counts(Math.max(0, rs.getLong("backlog")), rs.getLong("in_flight"), rs.getLong("dead_letters"), rs.getLong("delivered")))
                .one());
    }

    /** The consumer's oldest waiting messages, without delivering them (the console's peek). */
    public List<StoredMessage> peek(ConsumerId consumerId, int limit)
    {
        long key = key(consumerId);
        return store.withHandle(handle -> {
            Map<Long, Integer> counts = new TreeMap<>();
            handle.createQuery("""
                            select seq, deliver_count from stream_pending
                            where consumer_key = :k and seq > (select floor_seq from stream_cursors where consumer_key = :k) order by seq limit :limit
                            """)
                    .bind("k", key).bind("limit", limit)
                    .map((rs, ctx) -> Map.entry(rs.getLong("seq"), rs.getInt("deliver_count"))).forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
            handle.createQuery("""
                            select seq from stream_log where consumer_key = :k and seq > (select cursor_seq from stream_cursors where consumer_key = :k)
                            order by seq limit :limit
                            """)
                    .bind("k", key).bind("limit", limit).mapTo(Long.class).forEach(seq -> counts.putIfAbsent(seq, 0));
            return payloads(handle, consumerId, key, counts).values().stream().limit(limit).toList();
        });
    }

    /** The consumer's throughput per minute over the last {@code minutes} minutes, the current one included, oldest first; quiet minutes count zero. */
    public List<Minute> throughput(ConsumerId consumerId, int minutes)
    {
        return store.withHandle(handle -> handle.createQuery(sql("throughput"))
                .bind("c", consumerId).bind("back", minutes - 1)
                .map((rs, ctx) -> new Minute(rs.getTimestamp("minute").toInstant(), rs.getLong("stored"), rs.getLong("delivered"), rs.getLong("acked")))
                .list());
    }

    /** Moves one delivered message to the dead letters with its reason (a transform that failed on it, say). */
    public void deadLetter(ConsumerId consumerId, long seq, String reason)
    {
        long key = key(consumerId);
        store.useTransaction(handle -> {
            lockShared(handle, key);
            deadLetter(handle, consumerId, key, List.of(seq), reason);
        });
    }

    /** Moves messages of the window to the dead letters and lets their groups go on. */
    private void deadLetter(Handle handle, ConsumerId consumerId, long key, List<Long> seqs, String reason)
    {
        List<String> groups = handle.createQuery(sql("deadLetter"))
                .bind("c", consumerId).bind("k", key).bind("seqs", seqs.toArray(Long[]::new)).bind("reason", reason).mapTo(String.class).list();
        metrics.deadLettered(consumerId, groups.size());
        unblockNext(handle, key, Set.copyOf(groups));
    }

    /** Lets each group's oldest remaining message in the window be delivered. */
    private static void unblockNext(Handle handle, long key, Set<String> groups)
    {
        if (groups.isEmpty()) {
            return;
        }
        handle.createUpdate(sql("unblockNext"))
                .bind("k", key).bind("groups", groups.stream().sorted().toArray(String[]::new)).execute();
    }

    /** The messages the ack ids name that are in the window, before the call changes anything. */
    private static Set<Long> waiting(Handle handle, long key, List<AckId> parsed)
    {
        if (parsed.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(handle.createQuery("select seq from stream_pending where consumer_key = :k and seq = any(:seqs)")
                .bind("k", key).bind("seqs", AckId.seqs(parsed)).mapTo(Long.class).list());
    }

    /** Outcomes by ack id; {@code ok} holds the canonical form of the ack ids that took effect. */
    private static Map<String, Outcome> outcomes(List<String> ackIds, List<AckId> parsed, Set<String> ok, Set<Long> waiting)
    {
        Map<String, AckId> byId = new LinkedHashMap<>();
        parsed.forEach(id -> byId.put(id.text(), id));
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (String ackId : ackIds) {
            AckId id = byId.get(ackId);
            if (id != null && ok.contains(id.canonical())) {
                outcomes.put(ackId, Outcome.OK);
            }
            else {
                outcomes.put(ackId, id != null && waiting.contains(id.seq()) ? Outcome.EXPIRED : Outcome.UNKNOWN);
            }
        }
        return outcomes;
    }

    /** An ack id: {@code <seq>-<deliver count>-<nonce>}, naming one delivery of one message. */
    private record AckId(String text, long seq, int deliverCount, String nonce)
    {
        String canonical()
        {
            return seq + "-" + deliverCount + "-" + nonce;
        }

        static List<AckId> parseAll(List<String> ackIds)
        {
            return ackIds.stream().map(AckId::parse).flatMap(Optional::stream).toList();
        }

        static Optional<AckId> parse(String text)
        {
            String[] parts = text.split("-", 3);
            if (parts.length != 3) {
                return Optional.empty();
            }
            try {
                return Optional.of(new AckId(text, Long.parseLong(parts[0]), Integer.parseInt(parts[1]), parts[2]));
            }
            catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        static Long[] seqs(List<AckId> ids)
        {
            return ids.stream().map(AckId::seq).toArray(Long[]::new);
        }

        static Integer[] counts(List<AckId> ids)
        {
            return ids.stream().map(AckId::deliverCount).toArray(Integer[]::new);
        }

        static String[] nonces(List<AckId> ids)
        {
            return ids.stream().map(AckId::nonce).toArray(String[]::new);
        }
    }

    /** The consumer's compact stream key; it never changes, so it is looked up once. */
    long key(ConsumerId consumerId)
    {
        Long key = keys.get(consumerId);
        if (key != null) {
            return key;
        }
        Optional<Long> found = store.withHandle(handle -> handle.createQuery("select stream_key from consumers where id = :id")
                .bind("id", consumerId).mapTo(Long.class).findOne());
        // a consumer deleted meanwhile has no stream: a key no row uses makes every statement find nothing
        long resolved = found.orElse(-1L);
        if (found.isPresent()) {
            keys.put(consumerId, resolved);
        }
        return resolved;
    }

    private static void lockExclusive(Handle handle, long key)
    {
        handle.createQuery("select pg_advisory_xact_lock(:namespace, :key)").bind("namespace", LOCK_NAMESPACE).bind("key", (int) key)
                .mapTo(String.class).one();
    }

    private static void lockShared(Handle handle, long key)
    {
        handle.createQuery("select pg_advisory_xact_lock_shared(:namespace, :key)").bind("namespace", LOCK_NAMESPACE).bind("key", (int) key)
                .mapTo(String.class).one();
    }

    private static String sql(String name)
    {
        return SQL.locate(MessageStore.class, name);
    }

    private static byte[] randomBytes()
    {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
