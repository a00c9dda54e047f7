with gone as (
    delete from dead_letters where consumer_id = :c and (:all or seq = any(:seqs))
    returning *
),
logged as (
    -- the message's first copy may be in a generation dropped since: it goes into the current one
    insert into stream_log (consumer_key, seq, generation, group_key, action, table_schema, table_name, record, changes,
                            unchanged_columns, commit_lsn, commit_timestamp, change_index)
    select :k, g.seq, (select max(generation) from stream_generations), g.group_key, g.action, g.table_schema, g.table_name,
           g.record, g.changes, g.unchanged_columns, g.commit_lsn, g.commit_timestamp, g.change_index
    from gone g
    where not exists (select 1 from stream_log l where l.consumer_key = :k and l.seq = g.seq)
),
lowered as (
    -- the consumer's floor goes below the messages coming back: they keep their numbers, older than the window's
    update stream_cursors set floor_seq = least(floor_seq, (select min(g.seq) from gone g) - 1)
    where consumer_key = :k and exists (select 1 from gone)
)
insert into stream_pending (consumer_key, seq, group_key, blocked, commit_timestamp)
select :k, seq, group_key, true, commit_timestamp from gone
on conflict (consumer_key, seq) do nothing
returning group_key
