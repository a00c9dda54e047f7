--liquibase formatted sql

--changeset sluice:001-accounts
create table accounts (
    id          text primary key,
    name        text not null unique,
    status      text not null default 'active' check (status in ('active', 'disabled')),
    created_at  timestamptz not null default now()
);

--changeset sluice:001-api-tokens
create table api_tokens (
    account_id   text not null references accounts (id) on delete cascade,
    id           text primary key,
    name         text not null,
    scopes       text[] not null,
    token_hash   text not null unique,
    prefix       text not null,
    created_at   timestamptz not null default now(),
    last_used_at timestamptz,
    unique (account_id, name)
);

--changeset sluice:001-sources
create table sources (
    account_id          text not null references accounts (id) on delete cascade,
    id                  text primary key,
    name                text not null,
    host                text not null,
    port                integer not null,
    database_name       text not null,
    username            text not null,
    password_encrypted  text not null,
    ssl_mode            text not null,
    publication_name    text not null,
    slot_name           text not null,
    manage_publication  boolean not null,
    manage_slot         boolean not null,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    unique (account_id, name)
);

--changeset sluice:001-http-endpoints
create table http_endpoints (
    account_id                         text not null references accounts (id) on delete cascade,
    id                                 text primary key,
    name                               text not null,
    url                                text not null,
    headers                            jsonb not null default '{}',
    secret_headers_encrypted           text,
    secret_header_names                text[] not null default '{}',
    signing_secret_encrypted           text,
    previous_signing_secret_encrypted  text,
    signing_secret_rotated_at          timestamptz,
    created_at                         timestamptz not null default now(),
    updated_at                         timestamptz not null default now(),
    unique (account_id, name)
);

--changeset sluice:001-consumers
create table consumers (
    account_id                  text not null references accounts (id) on delete cascade,
    id                          text primary key,
    name                        text not null,
    source_id                   text not null references sources (id) on delete restrict,
    kind                        text not null check (kind in ('pull', 'push')),
    tables                      jsonb not null,
    actions                     text[] not null,
    filter                      text,
    transform                   text,
    endpoint_id                 text references http_endpoints (id) on delete restrict,
    path                        text,
    batch_size                  integer not null,
    visibility_timeout_seconds  integer not null,
    max_ack_pending             integer not null,
    max_deliver                 integer not null,
    start_position              jsonb not null,
    status                      text not null check (status in ('active', 'paused')),
    created_at                  timestamptz not null default now(),
    updated_at                  timestamptz not null default now(),
    unique (account_id, name)
);
create index consumers_source_idx on consumers (source_id);
create index consumers_endpoint_idx on consumers (endpoint_id);

--changeset sluice:001-backfills
create table backfills (
    account_id      text not null references accounts (id) on delete cascade,
    id              text primary key,
    consumer_id     text not null references consumers (id) on delete cascade,
    state           text not null check (state in ('pending', 'running', 'paused', 'completed', 'cancelled', 'failed')),
    start_position  jsonb,
    filter          text,
    tables          jsonb,
    rows_read       bigint not null default 0,
    rows_estimated  bigint,
    cursor          text,
    error           text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    completed_at    timestamptz
);
create index backfills_consumer_idx on backfills (consumer_id, id);

--changeset sluice:001-idempotency-keys
create table idempotency_keys (
    scope               text not null,
    key                 text not null,
    operation           text not null,
    fingerprint         text not null,
    result_encrypted    text,
    created_at          timestamptz not null default now(),
    primary key (scope, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);
