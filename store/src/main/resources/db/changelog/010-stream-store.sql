--liquibase formatted sql

--changeset sluice:010-stream-keys
-- A compact key per consumer for the stream tables: a bigint leads every key there instead of a text id.
create sequence consumer_stream_key_seq;
alter table consumers add column stream_key bigint not null default nextval('consumer_stream_key_seq');
create unique index consumers_stream_key_idx on consumers (stream_key);

--changeset sluice:010-stream-tables
-- The source's writer numbers every message it stores (one counter per source, so one consumer's numbers only
-- ever grow in commit order), and remembers how much of a transaction too large for one batch it has stored.
alter table source_state add column stream_seq bigint not null default 0;
alter table source_state add column partial_lsn bigint;
alter table source_state add column partial_index integer;

-- The log is append-only and partitioned by generation: a generation whose messages every consumer has
-- acknowledged is dropped whole, never deleted row by row.
create table stream_generations (
    generation  integer primary key,
    created_at  timestamptz not null default now()
);
insert into stream_generations (generation) values (1);

create table stream_log (
    consumer_key      bigint not null,
    seq               bigint not null,
    generation        integer not null,
    group_key         text not null,
    action            text not null,
    table_schema      text not null,
    table_name        text not null,
    -- json, not jsonb: the record keeps the table's column order and every number's exact text
    record            json not null,
    changes           json,
    unchanged_columns json,
    commit_lsn        bigint not null,
    commit_timestamp  timestamptz not null,
    change_index      integer not null,
    primary key (consumer_key, seq, generation)
) partition by list (generation);
create table stream_log_1 partition of stream_log for values in (1);

-- What the writer appended per consumer (written only by the source's lease holder).
create table stream_tails (
    consumer_key  bigint primary key,
    last_seq      bigint not null default 0,
    appended      bigint not null default 0
);

-- How far receivers have read each consumer's log: every message at or below cursor_seq is acknowledged or
-- in stream_pending. taken counts the messages moved past the cursor (backlog = appended - taken + pending).
create table stream_cursors (
    consumer_key  bigint primary key,
    cursor_seq    bigint not null default 0,
    taken         bigint not null default 0
);

-- The window between the ack floor and the cursor: messages in flight, waiting behind an earlier message of
-- their group (blocked), nacked until visible_at, or redriven from the dead letters. Bounded by max_ack_pending.
create table stream_pending (
    consumer_key       bigint not null,
    seq                bigint not null,
    group_key          text not null,
    blocked            boolean not null,
    in_flight          boolean not null default false,
    visible_at         timestamptz not null default now(),
    deliver_count      integer not null default 0,
    nonce              text,
    commit_timestamp   timestamptz not null,
    primary key (consumer_key, seq)
);
create index stream_pending_group_idx on stream_pending (consumer_key, group_key, seq);

--changeset sluice:010-stream-rows-function splitStatements:false
-- A consumer's stream positions live and die with it; its log rows go with their generation.
create function sluice_consumer_stream_rows() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into stream_tails (consumer_key) values (new.stream_key) on conflict do nothing;
        insert into stream_cursors (consumer_key) values (new.stream_key) on conflict do nothing;
        return new;
    end if;
    delete from stream_pending where consumer_key = old.stream_key;
    delete from stream_cursors where consumer_key = old.stream_key;
    delete from stream_tails where consumer_key = old.stream_key;
    return old;
end $$;

--changeset sluice:010-stream-rows-trigger
create trigger consumers_stream_rows after insert or delete on consumers
    for each row execute function sluice_consumer_stream_rows();
insert into stream_tails (consumer_key) select stream_key from consumers;
insert into stream_cursors (consumer_key) select stream_key from consumers;

--changeset sluice:010-stream-carry-v1
-- Messages waiting in the first store move into the log under their own numbers, in order; deliveries in
-- flight end (those messages are delivered again, with deliver counts starting over). Dead letters stay.
insert into stream_log (consumer_key, seq, generation, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                        commit_lsn, commit_timestamp, change_index)
select c.stream_key, m.seq, 1, m.group_key, m.action, m.table_schema, m.table_name, m.record, m.changes, m.unchanged_columns,
       m.commit_lsn, m.commit_timestamp, m.change_index
from messages m join consumers c on c.id = m.consumer_id;
update stream_tails t set last_seq = v.last_seq, appended = v.appended
from (select c.stream_key, max(m.seq) as last_seq, count(*) as appended from messages m join consumers c on c.id = m.consumer_id group by c.stream_key) v
where t.consumer_key = v.stream_key;
-- new numbers follow every number the first store handed out, so redriven dead letters stay ahead of their group's new messages
update source_state set stream_seq = greatest((select last_value from message_seq), (select coalesce(max(seq), 0) from dead_letters),
                                              (select coalesce(max(seq), 0) from messages));
drop table group_heads;
drop table messages;
drop sequence message_seq;
