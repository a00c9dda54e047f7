-- The tables the stream functions read, as the changelogs create them,
-- one consumer (key 7), and two helpers: fill(n, hot) appends n messages to its log, cycle(max, depth, per_group)
-- receives up to max messages and acknowledges the receive from depth receives before.
create table stream_log (consumer_key bigint not null, seq bigint not null, generation integer not null, group_key text not null, action text not null,
  table_schema text not null, table_name text not null, record json not null, changes json, unchanged_columns json, commit_lsn bigint not null,
  commit_timestamp timestamptz not null, change_index integer not null, primary key (consumer_key, seq, generation)) partition by list (generation);
create table stream_log_1 partition of stream_log for values in (1);
create table stream_tails (consumer_key bigint primary key, last_seq bigint not null default 0, appended bigint not null default 0);
create table stream_cursors (consumer_key bigint primary key, cursor_seq bigint not null default 0, taken bigint not null default 0,
  floor_seq bigint not null default 0);
create table stream_pending (consumer_key bigint not null, seq bigint not null, group_key text not null, blocked boolean not null,
  in_flight boolean not null default false, visible_at timestamptz not null default now(), deliver_count integer not null default 0,
  nonce text, commit_timestamp timestamptz not null, primary key (consumer_key, seq));
create index stream_pending_group_idx on stream_pending (consumer_key, group_key, seq);
create table dead_letters (consumer_id text not null, seq bigint not null, group_key text not null, action text not null, table_schema text not null,
  table_name text not null, record json not null, changes json, unchanged_columns json, commit_lsn bigint not null, commit_timestamp timestamptz not null,
  change_index integer not null, deliver_count integer not null, reason text not null, dead_lettered_at timestamptz not null default now(), primary key (consumer_id, seq));
insert into stream_tails values (7, 0, 0); insert into stream_cursors values (7, 0, 0, 0);
create table inflight_q (id bigserial primary key, seqs bigint[], counts integer[], nonces text[]);
create function fill(n integer, hot integer) returns void language sql as $$
  insert into stream_log select 7, s, 1, case when hot > 0 and s % 3 = 0 then '[1]' else '[' || s || ']' end, 'insert', 'public', 'bench_rows',
     ('{"id":' || s || ',"string_field":"row text value","numeric_field":1.25,"timestamp_field":"2026-12-04T13:35:57.123456Z","json_field":{"n":1,"padding":"' || repeat('x',120) || '"}}')::json,
     null, null, 1000 + s / 100, now(), s % 100
  from generate_series((select last_seq from stream_tails where consumer_key = 7) + 1, (select last_seq from stream_tails where consumer_key = 7) + n) s;
  update stream_tails set last_seq = last_seq + n, appended = appended + n where consumer_key = 7;
$$;
-- one push-like cycle: receive up to p_max, keep the receipt; ack the receipt from p_depth cycles ago
create function cycle(p_max integer, p_depth integer, p_per_group integer) returns integer language plpgsql as $$
declare s bigint[]; c integer[]; n text[]; nonce text := md5(random()::text); q record; got integer;
begin
  select coalesce(array_agg(r.seq), '{}'), coalesce(array_agg(r.deliver_count), '{}'), coalesce(array_agg(nonce), '{}') into s, c, n
  from stream_receive(7, 'c', p_max, 30, 5, 1000, p_per_group, nonce, 'x') r where r.kind = 'delivered';
  got := coalesce(array_length(s, 1), 0);
  if got > 0 then insert into inflight_q (seqs, counts, nonces) values (s, c, n); end if;
  if (select count(*) from inflight_q) > p_depth then
    delete from inflight_q where id = (select min(id) from inflight_q) returning * into q;
    perform stream_ack(7, q.seqs, q.counts, q.nonces);
  end if;
  return got;
end $$;
