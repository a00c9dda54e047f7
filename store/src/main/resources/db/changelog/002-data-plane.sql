--liquibase formatted sql

--changeset sluice:002-leases
-- Work units ('extract:<source id>', 'deliver:<consumer id>') held by data-plane workers. Every takeover
-- increments the epoch; writes are fenced on (unit, owner, epoch).
create table leases (
    unit        text primary key,
    owner       text,
    epoch       bigint not null default 0,
    expires_at  timestamptz,
    renewed_at  timestamptz
);

--changeset sluice:002-source-state
-- Replication progress per source: the end LSN of the last transaction stored (the checkpoint) and health.
create table source_state (
    source_id           text primary key references sources (id) on delete cascade,
    checkpoint_lsn      bigint not null default 0,
    worker              text,
    state               text not null default 'idle' check (state in ('idle', 'streaming', 'failed')),
    slot_lag_bytes      bigint,
    changes_read        bigint not null default 0,
    messages_stored     bigint not null default 0,
    last_error          text,
    last_error_at       timestamptz,
    updated_at          timestamptz not null default now()
);

--changeset sluice:002-messages
-- Consumer streams. consumer_id leads every key, so every statement stays within one consumer.
create sequence message_seq cache 1000;
create table messages (
    consumer_id       text not null references consumers (id) on delete cascade,
    seq               bigint not null default nextval('message_seq'),
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
    deliver_count     integer not null default 0,
    visible_at        timestamptz not null default now(),
    ack_id            text,
    created_at        timestamptz not null default now(),
    primary key (consumer_id, seq)
);
-- Exactly once into the store: a change re-read after a crash (same commit LSN and position) is not stored twice.
create unique index messages_change_idx on messages (consumer_id, commit_lsn, change_index);
create index messages_group_idx on messages (consumer_id, group_key, seq);

-- The oldest unacknowledged message of each group and when it may next be delivered.
create table group_heads (
    consumer_id  text not null references consumers (id) on delete cascade,
    group_key    text not null,
    head_seq     bigint not null,
    visible_at   timestamptz not null,
    primary key (consumer_id, group_key)
);
create index group_heads_visible_idx on group_heads (consumer_id, visible_at, head_seq);

--changeset sluice:002-consumer-start-lsn
-- The source's WAL position when the consumer was created: it receives changes committed after it.
alter table consumers add column start_lsn bigint not null default 0;

--changeset sluice:002-workers
-- Live data-plane workers: each records itself on every tick; fair shares of units are computed from it.
create table workers (
    id       text primary key,
    seen_at  timestamptz not null default now()
);

--changeset sluice:002-delivery
alter table group_heads add column in_flight boolean not null default false;
alter table messages add column last_delivered_at timestamptz;
alter table messages drop column visible_at;
create table dead_letters (
    consumer_id       text not null references consumers (id) on delete cascade,
    seq               bigint not null,
    group_key         text not null,
    action            text not null,
    table_schema      text not null,
    table_name        text not null,
    record            json not null,
    changes           json,
    unchanged_columns json,
    commit_lsn        bigint not null,
    commit_timestamp  timestamptz not null,
    change_index      integer not null,
    deliver_count     integer not null,
    reason            text not null,
    dead_lettered_at  timestamptz not null default now(),
    primary key (consumer_id, seq)
);
-- what each consumer delivered, per minute, for the status API
create table delivery_stats (
    consumer_id        text not null references consumers (id) on delete cascade,
    minute             timestamptz not null,
    delivered          bigint not null default 0,
    acked              bigint not null default 0,
    primary key (consumer_id, minute)
);
alter table consumers add column last_delivery_error text;
alter table consumers add column last_delivery_error_at timestamptz;
alter table consumers add column last_delivered_at timestamptz;

--changeset sluice:002-message-seq-uncached
-- A cached sequence hands each session its own range, so a later batch stored through another pooled
-- connection could get lower numbers than an earlier one. Sequence numbers are the order within a group:
-- they must grow in the order batches are stored.
alter sequence message_seq cache 1;
