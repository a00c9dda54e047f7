package dev.sluice.store.message;

import dev.sluice.store.Page;
import dev.sluice.store.Store;
import dev.sluice.store.metrics.StreamMetrics;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Delivery over a consumer's stream, with a group head per (consumer, group): the group's oldest
 * unacknowledged message and when it may next be delivered. Receive is an index range scan over visible
 * heads, ack deletes a message and moves its head to the group's next one, so each costs O(log n)
 * whatever the backlog. Strict FIFO per group holds because only a group's head is ever delivered.
 *
 * <p>Every statement is scoped to one consumer. Heads are locked in group order everywhere (extraction
 * appends too), so concurrent appends, acks and nacks cannot deadlock each other.
 */
public final class MessageStore
{
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final RowMapper<StoredMessage> MESSAGE = (rs, ctx) -> new StoredMessage(
            rs.getString("consumer_id"), rs.getLong("seq"), rs.getString("group_key"), rs.getString("action"), rs.getString("table_schema"),
            rs.getString("table_name"), rs.getString("record"), Optional.ofNullable(rs.getString("changes")),
            Optional.ofNullable(rs.getString("unchanged_columns")), rs.getLong("commit_lsn"), rs.getTimestamp("commit_timestamp").toInstant(),
            rs.getInt("change_index"), rs.getInt("deliver_count"));

    private final Store store;
    private final StreamMetrics metrics;

    public MessageStore(Store store, StreamMetrics metrics)
    {
        this.store = requireNonNull(store, "store is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
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
    public record DeadLetter(StoredMessage message, String reason, java.time.Instant deadLetteredAt) {}

    /** Counts for the status API. */
    public record Counts(long backlog, long inFlight, long deadLetters, long deliveredLastMinute) {}

    /**
     * Delivers up to {@code max} visible group heads and makes them invisible for {@code visibility}. A head
     * already delivered {@code maxDeliver} times goes to the dead letters instead, and its group moves on.
     */
    public List<Delivery> receive(String consumerId, int max, Duration visibility, int maxDeliver, int maxAckPending)
    {
        return receive(consumerId, max, visibility, maxDeliver, maxAckPending, handle -> {});
    }

    /** Receives within a transaction that {@code guard} may veto first (a data-plane worker's lease fence). */
    public List<Delivery> receive(String consumerId, int max, Duration visibility, int maxDeliver, int maxAckPending, java.util.function.Consumer<Handle> guard)
    {
        List<Delivery> received = store.inTransaction(handle -> {
            guard.accept(handle);
            long inFlight = handle.createQuery("select count(*) from group_heads where consumer_id = :c and in_flight and visible_at > now()")
                    .bind("c", consumerId).mapTo(Long.class).one();
            int room = (int) Math.min(max, maxAckPending - inFlight);
            if (room <= 0) {
                return List.of();
            }
            List<Map<String, Object>> heads = handle.createQuery("""
                            select h.group_key, h.head_seq, m.deliver_count from group_heads h
                            join messages m on m.consumer_id = h.consumer_id and m.seq = h.head_seq
                            where h.consumer_id = :c and h.visible_at <= now()
                            order by h.visible_at, h.head_seq limit :room
                            for update of h skip locked
                            """)
                    .bind("c", consumerId).bind("room", room).mapToMap().list();
            List<Long> deliver = new ArrayList<>();
            List<String> deliverGroups = new ArrayList<>();
            List<Long> exhausted = new ArrayList<>();
            for (Map<String, Object> head : heads) {
                long seq = ((Number) head.get("head_seq")).longValue();
                int count = ((Number) head.get("deliver_count")).intValue();
                if (count >= maxDeliver) {
                    exhausted.add(seq);
                }
                else {
                    deliver.add(seq);
                    deliverGroups.add((String) head.get("group_key"));
                }
            }
            if (!exhausted.isEmpty()) {
                deadLetter(handle, consumerId, exhausted, "not acknowledged after " + maxDeliver + " deliveries");
            }
            if (deliver.isEmpty()) {
                return List.of();
            }
            String nonce = HexFormat.of().formatHex(randomBytes());
            handle.createUpdate("""
                            update group_heads set visible_at = now() + make_interval(secs => :visibility), in_flight = true
                            where consumer_id = :c and group_key = any(:groups)
                            """)
                    .bind("c", consumerId).bind("groups", deliverGroups.toArray(String[]::new)).bind("visibility", visibility.toMillis() / 1000.0).execute();
            List<StoredMessage> messages = handle.createQuery("""
                            update messages set deliver_count = deliver_count + 1, last_delivered_at = now(),
                                   ack_id = seq || '-' || (deliver_count + 1) || '-' || :nonce
                            where consumer_id = :c and seq = any(:seqs)
                            returning *
                            """)
                    .bind("c", consumerId).bind("seqs", deliver.toArray(Long[]::new)).bind("nonce", nonce).map(MESSAGE).list();
            countDelivered(handle, consumerId, messages.size(), 0);
            List<Delivery> deliveries = new ArrayList<>();
            for (StoredMessage message : messages.stream().sorted((a, b) -> Long.compare(a.seq(), b.seq())).toList()) {
                deliveries.add(new Delivery(message, message.seq() + "-" + message.deliverCount() + "-" + nonce));
            }
            return deliveries;
        });
        if (!received.isEmpty()) {
            metrics.delivered(consumerId, received.size(), received.stream().filter(delivery -> delivery.message().deliverCount() > 1).count());
        }
        return received;
    }

    /**
     * Acknowledges deliveries: each message is removed and its group's next message becomes the head. An ack
     * id whose delivery timed out, was nacked or was delivered again since is {@link Outcome#EXPIRED}; one
     * that names no waiting message (acked already, or never issued) is {@link Outcome#UNKNOWN}.
     */
    public Map<String, Outcome> ack(String consumerId, List<String> ackIds)
    {
        List<Instant> committed = new ArrayList<>();
        Map<String, Outcome> outcomes = store.inTransaction(handle -> {
            committed.clear();
            String[] ids = ackIds.toArray(String[]::new);
            lockHeadsOf(handle, consumerId, ids);
            Set<Long> waiting = waiting(handle, consumerId, ackIds);
            List<Map<String, Object>> acked = handle.createQuery("""
                            delete from messages m using group_heads h
                            where m.consumer_id = :c and m.seq = any(:seqs) and m.ack_id = any(:ids)
                              and h.consumer_id = m.consumer_id and h.group_key = m.group_key and h.head_seq = m.seq
                              and h.in_flight and h.visible_at > now()
                            returning m.ack_id, m.group_key, m.commit_timestamp
                            """)
                    .bind("c", consumerId).bind("seqs", seqs(ackIds)).bind("ids", ids).mapToMap().list();
            Set<String> groups = acked.stream().map(row -> (String) row.get("group_key")).collect(Collectors.toSet());
            advanceHeads(handle, consumerId, groups);
            countDelivered(handle, consumerId, 0, acked.size());
            Set<String> ok = acked.stream().map(row -> (String) row.get("ack_id")).collect(Collectors.toSet());
            acked.forEach(row -> committed.add(((java.sql.Timestamp) row.get("commit_timestamp")).toInstant()));
            return outcomes(ackIds, ok, waiting);
        });
        if (!committed.isEmpty()) {
            metrics.acked(consumerId, committed);
        }
        return outcomes;
    }

    /** Makes in-flight deliveries visible again after {@code delay}; their deliver counts stay raised. */
    public Map<String, Outcome> nack(String consumerId, List<String> ackIds, Duration delay)
    {
        return store.inTransaction(handle -> {
            String[] ids = ackIds.toArray(String[]::new);
            lockHeadsOf(handle, consumerId, ids);
            Set<Long> waiting = waiting(handle, consumerId, ackIds);
            List<String> nacked = handle.createQuery("""
                            update group_heads h set visible_at = now() + make_interval(secs => :delay), in_flight = false
                            from messages m
                            where m.consumer_id = :c and m.seq = any(:seqs) and m.ack_id = any(:ids)
                              and h.consumer_id = m.consumer_id and h.group_key = m.group_key and h.head_seq = m.seq
                              and h.in_flight and h.visible_at > now()
                            returning m.ack_id
                            """)
                    .bind("c", consumerId).bind("seqs", seqs(ackIds)).bind("ids", ids).bind("delay", delay.toMillis() / 1000.0).mapTo(String.class).list();
            return outcomes(ackIds, Set.copyOf(nacked), waiting);
        });
    }

    public Page<DeadLetter> deadLetters(String consumerId, long afterSeq, int limit)
    {
        List<DeadLetter> rows = store.withHandle(handle -> handle.createQuery("""
                        select * from dead_letters where consumer_id = :c and seq > :after order by seq limit :limit
                        """)
                .bind("c", consumerId).bind("after", afterSeq).bind("limit", limit + 1)
                .map((rs, ctx) -> new DeadLetter(MESSAGE.map(rs, ctx), rs.getString("reason"), rs.getTimestamp("dead_lettered_at").toInstant()))
                .list());
        return Page.of(rows, limit, row -> Long.toString(row.message().seq()));
    }

    /**
     * Puts dead letters back into the stream under their original sequence numbers, so each is delivered
     * before the later messages of its group. Empty {@code seqs} means all.
     */
    public long redrive(String consumerId, Optional<List<Long>> seqs)
    {
        return store.inTransaction(handle -> {
            List<Map<String, Object>> moved = handle.createQuery("""
                            with gone as (
                                delete from dead_letters where consumer_id = :c and (:all or seq = any(:seqs))
                                returning *
                            )
                            insert into messages (consumer_id, seq, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                                                  commit_lsn, commit_timestamp, change_index, deliver_count)
                            select consumer_id, seq, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                                   commit_lsn, commit_timestamp, change_index, 0
                            from gone order by group_key, seq
                            on conflict do nothing
                            returning group_key, seq
                            """)
                    .bind("c", consumerId).bind("all", seqs.isEmpty()).bind("seqs", seqs.orElse(List.of()).toArray(Long[]::new)).mapToMap().list();
            Map<String, Long> firstPerGroup = new LinkedHashMap<>();
            for (Map<String, Object> row : moved) {
                firstPerGroup.merge((String) row.get("group_key"), ((Number) row.get("seq")).longValue(), Math::min);
            }
            for (Map.Entry<String, Long> group : firstPerGroup.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                handle.createUpdate("""
                                insert into group_heads (consumer_id, group_key, head_seq, visible_at) values (:c, :g, :seq, now())
                                on conflict (consumer_id, group_key) do update set head_seq = least(group_heads.head_seq, excluded.head_seq)
                                """)
                        .bind("c", consumerId).bind("g", group.getKey()).bind("seq", group.getValue()).execute();
            }
            return (long) moved.size();
        });
    }

    public long discard(String consumerId, Optional<List<Long>> seqs)
    {
        return store.withHandle(handle -> (long) handle.createUpdate("delete from dead_letters where consumer_id = :c and (:all or seq = any(:seqs))")
                .bind("c", consumerId).bind("all", seqs.isEmpty()).bind("seqs", seqs.orElse(List.of()).toArray(Long[]::new)).execute());
    }

    public Counts counts(String consumerId)
    {
        return store.withHandle(handle -> handle.createQuery("""
                        select (select count(*) from messages where consumer_id = :c) as backlog,
                               (select count(*) from group_heads where consumer_id = :c and in_flight and visible_at > now()) as in_flight,
                               (select count(*) from dead_letters where consumer_id = :c) as dead_letters,
                               (select coalesce(sum(delivered), 0) from delivery_stats where consumer_id = :c and minute >= date_trunc('minute', now()) - interval '1 minute') as delivered
                        """)
                .bind("c", consumerId)
                .map((rs, ctx) -> new Counts(rs.getLong("backlog"), rs.getLong("in_flight"), rs.getLong("dead_letters"), rs.getLong("delivered")))
                .one());
    }

    /** The consumer's oldest waiting messages, without delivering them (the console's peek). */
    public List<StoredMessage> peek(String consumerId, int limit)
    {
        return store.withHandle(handle -> handle.createQuery("select * from messages where consumer_id = :c order by seq limit :limit")
                .bind("c", consumerId).bind("limit", limit).map(MESSAGE).list());
    }

    /** Messages stored, delivered and acknowledged in one minute. */
    public record Minute(Instant minute, long stored, long delivered, long acked) {}

    /** The consumer's throughput per minute over the last {@code minutes} minutes, the current one included, oldest first; quiet minutes count zero. */
    public List<Minute> throughput(String consumerId, int minutes)
    {
        return store.withHandle(handle -> handle.createQuery("""
                        select m.minute, coalesce(s.stored, 0) as stored, coalesce(s.delivered, 0) as delivered, coalesce(s.acked, 0) as acked
                        from generate_series(date_trunc('minute', now()) - make_interval(mins => :back), date_trunc('minute', now()), interval '1 minute') m(minute)
                        left join delivery_stats s on s.consumer_id = :c and s.minute = m.minute
                        order by m.minute
                        """)
                .bind("c", consumerId).bind("back", minutes - 1)
                .map((rs, ctx) -> new Minute(rs.getTimestamp("minute").toInstant(), rs.getLong("stored"), rs.getLong("delivered"), rs.getLong("acked")))
                .list());
    }

    /** Moves one delivered message to the dead letters with its reason (a transform that failed on it, say). */
    public void deadLetter(String consumerId, long seq, String reason)
    {
        store.useTransaction(handle -> {
            handle.createQuery("""
                            select h.group_key from group_heads h join messages m on m.consumer_id = h.consumer_id and m.group_key = h.group_key
                            where m.consumer_id = :c and m.seq = :seq and h.head_seq = m.seq for update of h
                            """)
                    .bind("c", consumerId).bind("seq", seq).mapTo(String.class).list();
            deadLetter(handle, consumerId, List.of(seq), reason);
        });
    }

    /** Moves messages (group heads) to the dead letters and lets their groups go on. */
    public void deadLetter(Handle handle, String consumerId, List<Long> seqs, String reason)
    {
        List<String> groups = handle.createQuery("""
                        with gone as (delete from messages where consumer_id = :c and seq = any(:seqs) returning *)
                        insert into dead_letters (consumer_id, seq, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                                                  commit_lsn, commit_timestamp, change_index, deliver_count, reason)
                        select consumer_id, seq, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                               commit_lsn, commit_timestamp, change_index, deliver_count, :reason
                        from gone
                        returning group_key
                        """)
                .bind("c", consumerId).bind("seqs", seqs.toArray(Long[]::new)).bind("reason", reason).mapTo(String.class).list();
        metrics.deadLettered(consumerId, groups.size());
        advanceHeads(handle, consumerId, Set.copyOf(groups));
    }

    private static void lockHeadsOf(Handle handle, String consumerId, String[] ackIds)
    {
        // a separate statement: what follows runs on a snapshot taken after the locks, so it sees every message
        // an extraction committed while this transaction waited for a head
        handle.createQuery("""
                        select h.group_key from group_heads h join messages m on m.consumer_id = h.consumer_id and m.group_key = h.group_key
                        where m.consumer_id = :c and m.seq = any(:seqs) and m.ack_id = any(:ids)
                        order by h.group_key for update of h
                        """)
                .bind("c", consumerId).bind("seqs", seqs(List.of(ackIds))).bind("ids", ackIds).mapTo(String.class).list();
    }

    /** Points each group's head at its oldest remaining message, or removes it when the group is empty. */
    private static void advanceHeads(Handle handle, String consumerId, Set<String> groups)
    {
        if (groups.isEmpty()) {
            return;
        }
        String[] sorted = groups.stream().sorted().toArray(String[]::new);
        handle.createUpdate("""
                        with next as (
                            select g as group_key, (select min(seq) from messages m where m.consumer_id = :c and m.group_key = g) as next_seq
                            from unnest(cast(:groups as text[])) g
                        ),
                        moved as (
                            update group_heads h set head_seq = n.next_seq, visible_at = now(), in_flight = false
                            from next n where h.consumer_id = :c and h.group_key = n.group_key and n.next_seq is not null
                            returning 1
                        )
                        delete from group_heads h using next n where h.consumer_id = :c and h.group_key = n.group_key and n.next_seq is null
                        """)
                .bind("c", consumerId).bind("groups", sorted).execute();
    }

    /** The messages the ack ids name that are still in the stream, before this call changes anything. */
    private static Set<Long> waiting(Handle handle, String consumerId, List<String> ackIds)
    {
        List<Long> seqs = new ArrayList<>();
        for (String ackId : ackIds) {
            parseSeq(ackId).ifPresent(seqs::add);
        }
        return Set.copyOf(handle.createQuery("select seq from messages where consumer_id = :c and seq = any(:seqs)")
                .bind("c", consumerId).bind("seqs", seqs.toArray(Long[]::new)).mapTo(Long.class).list());
    }

    /** The sequence numbers ack ids name (an ack id starts with its message's): lookups by primary key. */
    private static Long[] seqs(List<String> ackIds)
    {
        return ackIds.stream().map(MessageStore::parseSeq).flatMap(Optional::stream).toArray(Long[]::new);
    }

    private static Map<String, Outcome> outcomes(List<String> ackIds, Set<String> ok, Set<Long> waiting)
    {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (String ackId : ackIds) {
            if (ok.contains(ackId)) {
                outcomes.put(ackId, Outcome.OK);
            }
            else {
                outcomes.put(ackId, parseSeq(ackId).filter(waiting::contains).isPresent() ? Outcome.EXPIRED : Outcome.UNKNOWN);
            }
        }
        return outcomes;
    }

    private static Optional<Long> parseSeq(String ackId)
    {
        int dash = ackId.indexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(ackId.substring(0, dash)));
        }
        catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void countDelivered(Handle handle, String consumerId, int delivered, int acked)
    {
        if (delivered == 0 && acked == 0) {
            return;
        }
        handle.createUpdate("""
                        insert into delivery_stats (consumer_id, minute, delivered, acked) values (:c, date_trunc('minute', now()), :delivered, :acked)
                        on conflict (consumer_id, minute) do update set delivered = delivery_stats.delivered + :delivered, acked = delivery_stats.acked + :acked
                        """)
                .bind("c", consumerId).bind("delivered", delivered).bind("acked", acked).execute();
    }

    private static byte[] randomBytes()
    {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
