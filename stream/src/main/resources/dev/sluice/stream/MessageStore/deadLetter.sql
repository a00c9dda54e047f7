with gone as (delete from stream_pending where consumer_key = :k and seq = any(:seqs) returning seq, deliver_count)
insert into dead_letters (consumer_id, seq, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                          commit_lsn, commit_timestamp, change_index, deliver_count, reason)
select distinct on (l.seq) :c, l.seq, l.group_key, l.action, l.table_schema, l.table_name, l.record, l.changes, l.unchanged_columns,
       l.commit_lsn, l.commit_timestamp, l.change_index, g.deliver_count, :reason
from gone g join stream_log l on l.consumer_key = :k and l.seq = g.seq
order by l.seq
on conflict (consumer_id, seq) do nothing
returning group_key
