package dev.sluice.stream;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Appends messages to their consumers' logs inside the caller's transaction (the source's checkpoint or a
 * backfill's progress commits with them). Every append of a source first takes its next sequence numbers from
 * the source's counter in {@code source_state}: the row lock that takes is held until commit, so one source's
 * appends commit in the order of their numbers and a receiver reading past its cursor never skips a message
 * that commits later. Rows go in with {@code COPY}; the log has no index but its primary key.
 */
public final class StreamAppender
{
    private static final Map<ConsumerId, Long> KEYS = new ConcurrentHashMap<>();
    private static final int COPY_CHUNK = 1 << 16;

    private StreamAppender() {}

    /** What one append stored per consumer. */
    public record Appended(Map<ConsumerId, Long> perConsumer)
    {
        public long total()
        {
            return perConsumer.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** A message its consumer's filter could not judge: stored straight into the consumer's dead letters with the reason. */
    public record Rejected(NewMessage message, String reason)
    {
        public Rejected
        {
            Objects.requireNonNull(message, "message is null");
            Objects.requireNonNull(reason, "reason is null");
        }
    }

    /**
     * Appends {@code messages} in the given order and counts them as stored once the transaction commits.
     * Messages of consumers deleted meanwhile are dropped.
     */
    public static Appended append(Handle handle, SourceId sourceId, List<NewMessage> messages, DeliveryCounters counters)
    {
        return append(handle, sourceId, messages, List.of(), counters);
    }

    /**
     * Appends {@code messages} and stores {@code rejected} as dead letters, numbered together in change order (both
     * lists are in change order), so a redriven dead letter comes back before its key's later messages.
     */
    public static Appended append(Handle handle, SourceId sourceId, List<NewMessage> messages, List<Rejected> rejected, DeliveryCounters counters)
    {
        if (messages.isEmpty() && rejected.isEmpty()) {
            return new Appended(Map.of());
        }
        List<NewMessage> all = new ArrayList<>(messages);
        rejected.forEach(each -> all.add(each.message()));
        Map<ConsumerId, Long> keys = keys(handle, all);
        List<NewMessage> kept = messages.stream().filter(message -> keys.containsKey(message.consumerId())).toList();
        List<Rejected> keptRejected = rejected.stream().filter(each -> keys.containsKey(each.message().consumerId())).toList();
        if (kept.isEmpty() && keptRejected.isEmpty()) {
            return new Appended(Map.of());
        }
        if (!keptRejected.isEmpty()) {
            return appendWithRejected(handle, sourceId, keys, kept, keptRejected, counters);
        }
        Numbers numbers = allocate(handle, sourceId, kept.size());
        List<Long> seqs = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            seqs.add(numbers.first() + i);
        }
        return write(handle, keys, kept, seqs, numbers.generation(), counters);
    }

    /** The first of {@code count} sequence numbers taken from the source's counter, and the log's current generation. */
    record Numbers(long first, int generation) {}

    /**
     * Takes the numbers and reads the generation to write into. The log's lock comes first and is held to commit: a
     * generation is closed and dropped only under the log's exclusive lock, so the one read here still exists when the
     * rows are copied in, and a drop waiting for this transaction sees its rows and keeps the generation.
     */
    static Numbers allocate(Handle handle, SourceId sourceId, int count)
    {
        handle.execute("lock table stream_log in row exclusive mode");
        return handle.createQuery("""
                        update source_state set stream_seq = stream_seq + :count where source_id = :sourceId
                        returning stream_seq - :count + 1 as first, (select max(generation) from stream_generations) as generation
                        """)
                .bind("count", count).bind("sourceId", sourceId)
                .map((rs, ctx) -> new Numbers(rs.getLong("first"), rs.getInt("generation"))).findOne()
                .orElseThrow(() -> new IllegalStateException("source " + sourceId + " has no replication state"));
    }

    /** Copies messages into the log under the given numbers, moves their consumers' tails, and wakes their receivers at commit. */
    private static Appended write(Handle handle, Map<ConsumerId, Long> keys, List<NewMessage> kept, List<Long> seqs, int generation, DeliveryCounters counters)
    {
        Map<ConsumerId, long[]> tails = new LinkedHashMap<>();
        StringBuilder rows = new StringBuilder(kept.size() * 400);
        for (int i = 0; i < kept.size(); i++) {
            NewMessage message = kept.get(i);
            long seq = seqs.get(i);
            long key = keys.get(message.consumerId());
            row(rows, key, seq, generation, message);
            long[] tail = tails.computeIfAbsent(message.consumerId(), id -> new long[] {key, 0, 0});
            tail[1] = seq;
            tail[2]++;
        }
        copy(handle, rows);
        List<ConsumerId> consumers = new ArrayList<>(tails.keySet());
        consumers.sort(Comparator.comparing(ConsumerId::value));
        // the tails move, and receivers long-polling in any process wake when this commits (one round trip for both)
        handle.createQuery("""
                        with moved as (
                            insert into stream_tails (consumer_key, last_seq, appended)
                            select * from unnest(cast(:keys as bigint[]), cast(:lasts as bigint[]), cast(:counts as bigint[]))
                            on conflict (consumer_key) do update set last_seq = greatest(stream_tails.last_seq, excluded.last_seq),
                                                                     appended = stream_tails.appended + excluded.appended
                        )
                        select count(pg_notify('sluice_messages', c)) from unnest(cast(:consumers as text[])) c
                        """)
                .bind("keys", consumers.stream().map(id -> tails.get(id)[0]).toArray(Long[]::new))
                .bind("lasts", consumers.stream().map(id -> tails.get(id)[1]).toArray(Long[]::new))
                .bind("counts", consumers.stream().map(id -> tails.get(id)[2]).toArray(Long[]::new))
                .bind("consumers", consumers.stream().map(ConsumerId::value).toArray(String[]::new)).mapTo(Long.class).one();
        Map<ConsumerId, Long> perConsumer = new LinkedHashMap<>();
        tails.forEach((id, tail) -> perConsumer.put(id, tail[2]));
        handle.afterCommit(() -> perConsumer.forEach(counters::stored));
        return new Appended(perConsumer);
    }

    private static Appended appendWithRejected(Handle handle, SourceId sourceId, Map<ConsumerId, Long> keys, List<NewMessage> kept, List<Rejected> rejected,
            DeliveryCounters counters)
    {
        // numbered in change order: appends and dead letters interleave as their changes did
        Comparator<NewMessage> byChange = Comparator.comparingLong(NewMessage::commitLsn).thenComparingInt(NewMessage::changeIndex);
        List<Object> ordered = new ArrayList<>();
        int m = 0;
        int r = 0;
        while (m < kept.size() || r < rejected.size()) {
            if (r >= rejected.size() || (m < kept.size() && byChange.compare(kept.get(m), rejected.get(r).message()) <= 0)) {
                ordered.add(kept.get(m++));
            }
            else {
                ordered.add(rejected.get(r++));
            }
        }
        Numbers numbers = allocate(handle, sourceId, ordered.size());
        long seq = numbers.first();
        List<NewMessage> appended = new ArrayList<>();
        List<Long> appendedSeqs = new ArrayList<>();
        List<Rejected> dead = new ArrayList<>();
        List<Long> deadSeqs = new ArrayList<>();
        for (Object entry : ordered) {
            if (entry instanceof Rejected each) {
                dead.add(each);
                deadSeqs.add(seq++);
            }
            else {
                appended.add((NewMessage) entry);
                appendedSeqs.add(seq++);
            }
        }
        Appended result = appended.isEmpty() ? new Appended(Map.of()) : write(handle, keys, appended, appendedSeqs, numbers.generation(), counters);
        handle.createUpdate("""
                        insert into dead_letters (consumer_id, seq, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                                                  commit_lsn, commit_timestamp, change_index, deliver_count, reason)
                        select d.consumer_id, d.seq, d.group_key, d.action, d.table_schema, d.table_name, cast(d.record as json), cast(d.changes as json),
                               cast(d.unchanged as json), d.commit_lsn, cast(d.commit_timestamp as timestamptz), d.change_index, 0, d.reason
                        from unnest(cast(:consumers as text[]), cast(:seqs as bigint[]), cast(:groups as text[]), cast(:actions as text[]),
                                    cast(:schemas as text[]), cast(:tables as text[]), cast(:records as text[]), cast(:changes as text[]),
                                    cast(:unchanged as text[]), cast(:lsns as bigint[]), cast(:timestamps as text[]), cast(:indexes as integer[]),
                                    cast(:reasons as text[]))
                            as d(consumer_id, seq, group_key, action, table_schema, table_name, record, changes, unchanged, commit_lsn, commit_timestamp,
                                 change_index, reason)
                        on conflict (consumer_id, seq) do nothing
                        """)
                .bind("consumers", dead.stream().map(each -> each.message().consumerId().value()).toArray(String[]::new))
                .bind("seqs", deadSeqs.toArray(Long[]::new))
                .bind("groups", dead.stream().map(each -> each.message().groupKey()).toArray(String[]::new))
                .bind("actions", dead.stream().map(each -> each.message().action()).toArray(String[]::new))
                .bind("schemas", dead.stream().map(each -> each.message().tableSchema()).toArray(String[]::new))
                .bind("tables", dead.stream().map(each -> each.message().tableName()).toArray(String[]::new))
                .bind("records", dead.stream().map(each -> each.message().recordJson()).toArray(String[]::new))
                .bind("changes", dead.stream().map(each -> each.message().changesJson().orElse(null)).toArray(String[]::new))
                .bind("unchanged", dead.stream().map(each -> each.message().unchangedColumnsJson().orElse(null)).toArray(String[]::new))
                .bind("lsns", dead.stream().map(each -> each.message().commitLsn()).toArray(Long[]::new))
                .bind("timestamps", dead.stream().map(each -> each.message().commitTimestamp().toString()).toArray(String[]::new))
                .bind("indexes", dead.stream().map(each -> each.message().changeIndex()).toArray(Integer[]::new))
                .bind("reasons", dead.stream().map(Rejected::reason).toArray(String[]::new))
                .execute();
        // the consumer's status shows the last one
        Map<String, String> lastReason = new LinkedHashMap<>();
        dead.forEach(each -> lastReason.put(each.message().consumerId().value(), each.reason()));
        handle.createUpdate("""
                        update consumers c set last_delivery_error = r.reason, last_delivery_error_at = now()
                        from unnest(cast(:ids as text[]), cast(:reasons as text[])) as r(id, reason) where c.id = r.id
                        """)
                .bind("ids", lastReason.keySet().toArray(String[]::new)).bind("reasons", lastReason.values().toArray(String[]::new)).execute();
        return result;
    }

    /** Whether the consumer has more than {@code limit} messages it has not received yet. */
    public static boolean backlogAbove(Handle handle, ConsumerId consumerId, long limit)
    {
        return handle.createQuery("""
                        select coalesce((select t.appended - c.taken from stream_tails t join stream_cursors c on c.consumer_key = t.consumer_key
                                         join consumers k on k.stream_key = t.consumer_key where k.id = :id), 0) > :limit
                        """)
                .bind("id", consumerId).bind("limit", limit).mapTo(Boolean.class).one();
    }

    private static Map<ConsumerId, Long> keys(Handle handle, List<NewMessage> messages)
    {
        Map<ConsumerId, Long> keys = new LinkedHashMap<>();
        List<ConsumerId> missing = new ArrayList<>();
        messages.stream().map(NewMessage::consumerId).distinct().forEach(id -> {
            Long key = KEYS.get(id);
            if (key == null) {
                missing.add(id);
            }
            else {
                keys.put(id, key);
            }
        });
        if (!missing.isEmpty()) {
            handle.createQuery("select id, stream_key from consumers where id = any(:ids)")
                    .bind("ids", missing.stream().map(ConsumerId::value).toArray(String[]::new))
                    .map((rs, ctx) -> Map.entry(new ConsumerId(rs.getString("id")), rs.getLong("stream_key")))
                    .forEach(entry -> {
                        KEYS.put(entry.getKey(), entry.getValue());
                        keys.put(entry.getKey(), entry.getValue());
                    });
        }
        return keys;
    }

    private static void row(StringBuilder rows, long key, long seq, int generation, NewMessage message)
    {
        rows.append(key).append('\t').append(seq).append('\t').append(generation).append('\t');
        text(rows, message.groupKey());
        rows.append('\t');
        text(rows, message.action());
        rows.append('\t');
        text(rows, message.tableSchema());
        rows.append('\t');
        text(rows, message.tableName());
        rows.append('\t');
        text(rows, message.recordJson());
        rows.append('\t');
        optional(rows, message.changesJson());
        rows.append('\t');
        optional(rows, message.unchangedColumnsJson());
        rows.append('\t').append(message.commitLsn()).append('\t').append(message.commitTimestamp()).append('\t').append(message.changeIndex()).append('\n');
    }

    private static void optional(StringBuilder rows, Optional<String> value)
    {
        if (value.isPresent()) {
            text(rows, value.get());
        }
        else {
            rows.append("\\N");
        }
    }

    /** COPY's text format: backslash, tab, newline and carriage return are escaped; nothing else is. */
    private static void text(StringBuilder rows, String value)
    {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> rows.append("\\\\");
                case '\t' -> rows.append("\\t");
                case '\n' -> rows.append("\\n");
                case '\r' -> rows.append("\\r");
                default -> rows.append(c);
            }
        }
    }

    private static void copy(Handle handle, CharSequence rows)
    {
        try {
            CopyIn copy = handle.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn("""
                    copy stream_log (consumer_key, seq, generation, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                                     commit_lsn, commit_timestamp, change_index) from stdin
                    """);
            try {
                byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
                for (int offset = 0; offset < bytes.length; offset += COPY_CHUNK) {
                    copy.writeToCopy(bytes, offset, Math.min(COPY_CHUNK, bytes.length - offset));
                }
                copy.endCopy();
            }
            finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot append to the stream log: " + e.getMessage(), e);
        }
    }
}
