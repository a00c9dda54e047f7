package dev.sluice.stream;

import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private static final Map<String, Long> KEYS = new ConcurrentHashMap<>();
    private static final int COPY_CHUNK = 1 << 16;

    private StreamAppender() {}

    /** What one append stored per consumer. */
    public record Appended(Map<String, Long> perConsumer)
    {
        public long total()
        {
            return perConsumer.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Appends {@code messages} in the given order and counts them as stored once the transaction commits.
     * Messages of consumers deleted meanwhile are dropped.
     */
    public static Appended append(Handle handle, String sourceId, List<NewMessage> messages, DeliveryCounters counters)
    {
        if (messages.isEmpty()) {
            return new Appended(Map.of());
        }
        Map<String, Long> keys = keys(handle, messages);
        List<NewMessage> kept = messages.stream().filter(message -> keys.containsKey(message.consumerId())).toList();
        if (kept.isEmpty()) {
            return new Appended(Map.of());
        }
        Map<String, Object> allocated = handle.createQuery("""
                        update source_state set stream_seq = stream_seq + :count where source_id = :sourceId
                        returning stream_seq, (select max(generation) from stream_generations) as generation
                        """)
                .bind("count", kept.size()).bind("sourceId", sourceId).mapToMap().findOne()
                .orElseThrow(() -> new IllegalStateException("source " + sourceId + " has no replication state"));
        long last = ((Number) allocated.get("stream_seq")).longValue();
        int generation = ((Number) allocated.get("generation")).intValue();
        long first = last - kept.size() + 1;
        Map<String, long[]> tails = new LinkedHashMap<>();
        StringBuilder rows = new StringBuilder(kept.size() * 400);
        long seq = first;
        for (NewMessage message : kept) {
            long key = keys.get(message.consumerId());
            row(rows, key, seq, generation, message);
            long[] tail = tails.computeIfAbsent(message.consumerId(), id -> new long[] {key, 0, 0});
            tail[1] = seq;
            tail[2]++;
            seq++;
        }
        copy(handle, rows);
        List<String> consumers = new ArrayList<>(tails.keySet());
        consumers.sort(String::compareTo);
        handle.createUpdate("""
                        insert into stream_tails (consumer_key, last_seq, appended)
                        select * from unnest(cast(:keys as bigint[]), cast(:lasts as bigint[]), cast(:counts as bigint[]))
                        on conflict (consumer_key) do update set last_seq = greatest(stream_tails.last_seq, excluded.last_seq),
                                                                 appended = stream_tails.appended + excluded.appended
                        """)
                .bind("keys", consumers.stream().map(id -> tails.get(id)[0]).toArray(Long[]::new))
                .bind("lasts", consumers.stream().map(id -> tails.get(id)[1]).toArray(Long[]::new))
                .bind("counts", consumers.stream().map(id -> tails.get(id)[2]).toArray(Long[]::new))
                .execute();
        // receivers long-polling in any process wake when this commits
        handle.createQuery("select count(pg_notify('sluice_messages', c)) from unnest(cast(:consumers as text[])) c")
                .bind("consumers", consumers.toArray(String[]::new)).mapTo(Long.class).one();
        Map<String, Long> perConsumer = new LinkedHashMap<>();
        tails.forEach((id, tail) -> perConsumer.put(id, tail[2]));
        handle.afterCommit(() -> perConsumer.forEach(counters::stored));
        return new Appended(perConsumer);
    }

    /** Whether the consumer has more than {@code limit} messages it has not received yet. */
    public static boolean backlogAbove(Handle handle, String consumerId, long limit)
    {
        return handle.createQuery("""
                        select coalesce((select t.appended - c.taken from stream_tails t join stream_cursors c on c.consumer_key = t.consumer_key
                                         join consumers k on k.stream_key = t.consumer_key where k.id = :id), 0) > :limit
                        """)
                .bind("id", consumerId).bind("limit", limit).mapTo(Boolean.class).one();
    }

    private static Map<String, Long> keys(Handle handle, List<NewMessage> messages)
    {
        Map<String, Long> keys = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
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
                    .bind("ids", missing.toArray(String[]::new))
                    .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getLong("stream_key")))
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
