package dev.sluice.store.message;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

import java.util.List;

/** Writes to consumer streams. */
public interface MessageDao
{
    /**
     * Appends messages in one statement, in the given order, and makes each group's first new message its
     * head when the group had none. A message whose change was stored before is skipped. Returns how many
     * were stored.
     */
    default int append(List<NewMessage> messages)
    {
        if (messages.isEmpty()) {
            return 0;
        }
        int size = messages.size();
        String[] consumerIds = new String[size];
        String[] groupKeys = new String[size];
        String[] actions = new String[size];
        String[] schemas = new String[size];
        String[] tables = new String[size];
        String[] records = new String[size];
        String[] changes = new String[size];
        String[] unchanged = new String[size];
        Long[] lsns = new Long[size];
        String[] timestamps = new String[size];
        Integer[] indexes = new Integer[size];
        for (int i = 0; i < size; i++) {
            NewMessage message = messages.get(i);
            consumerIds[i] = message.consumerId();
            groupKeys[i] = message.groupKey();
            actions[i] = message.action();
            schemas[i] = message.tableSchema();
            tables[i] = message.tableName();
            records[i] = message.recordJson();
            changes[i] = message.changesJson().orElse(null);
            unchanged[i] = message.unchangedColumnsJson().orElse(null);
            lsns[i] = message.commitLsn();
            timestamps[i] = message.commitTimestamp().toString();
            indexes[i] = message.changeIndex();
        }
        return appendRows(consumerIds, groupKeys, actions, schemas, tables, records, changes, unchanged, lsns, timestamps, indexes);
    }

    @SqlQuery("""
            with incoming as (
                select * from unnest(cast(:consumerIds as text[]), cast(:groupKeys as text[]), cast(:actions as text[]), cast(:schemas as text[]),
                                     cast(:tables as text[]), cast(:records as text[]), cast(:changes as text[]), cast(:unchanged as text[]),
                                     cast(:lsns as bigint[]), cast(:timestamps as text[]), cast(:indexes as integer[]))
                    as m(consumer_id, group_key, action, table_schema, table_name, record, changes, unchanged, commit_lsn, commit_timestamp, change_index)
            ),
            inserted as (
                insert into messages (consumer_id, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                                      commit_lsn, commit_timestamp, change_index)
                select consumer_id, group_key, action, table_schema, table_name, cast(record as json), cast(changes as json), cast(unchanged as json),
                       commit_lsn, cast(commit_timestamp as timestamptz), change_index
                from incoming
                on conflict (consumer_id, commit_lsn, change_index) do nothing
                returning consumer_id, group_key, seq
            ),
            heads as (
                -- takes the head's row lock even when it exists (the update never happens): an ack moving the head
                -- past the group's last message then waits for this insert, and sees the new message
                insert into group_heads (consumer_id, group_key, head_seq, visible_at)
                select consumer_id, group_key, min(seq), now() from inserted group by consumer_id, group_key order by consumer_id, group_key
                on conflict (consumer_id, group_key) do update set head_seq = group_heads.head_seq where false
                returning 1
            ),
            counted as (
                -- one row per consumer and minute, locked only once every head is (the subquery runs the heads insert to
                -- completion first): receives and acks lock heads before this row too, so they cannot deadlock with it
                insert into delivery_stats (consumer_id, minute, stored)
                select consumer_id, date_trunc('minute', now()), count(*) from inserted
                where (select count(*) from heads) >= 0
                group by consumer_id order by consumer_id
                on conflict (consumer_id, minute) do update set stored = delivery_stats.stored + excluded.stored
                returning 1
            ),
            notified as (
                select pg_notify('sluice_messages', consumer_id) from (select distinct consumer_id from inserted) c
            )
            select (select count(*) from inserted) + 0 * (select count(*) from notified) + 0 * (select count(*) from counted)
            """)
    int appendRows(@Bind("consumerIds") String[] consumerIds, @Bind("groupKeys") String[] groupKeys, @Bind("actions") String[] actions,
            @Bind("schemas") String[] schemas, @Bind("tables") String[] tables, @Bind("records") String[] records, @Bind("changes") String[] changes,
            @Bind("unchanged") String[] unchanged, @Bind("lsns") Long[] lsns, @Bind("timestamps") String[] timestamps, @Bind("indexes") Integer[] indexes);

    /** Whether the consumer has more than {@code limit} messages waiting; costs at most {@code limit} index entries. */
    @SqlQuery("select exists (select 1 from messages where consumer_id = :consumerId order by seq offset :limit limit 1)")
    boolean backlogAbove(@Bind("consumerId") String consumerId, @Bind("limit") long limit);
}
