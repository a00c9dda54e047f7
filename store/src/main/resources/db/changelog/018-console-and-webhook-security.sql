--liquibase formatted sql

--changeset sluice:018-retired-signing-secrets
-- Every secret a rotation retires keeps signing for 24 hours after it was retired, so an endpoint keeps a list of them
-- (encrypted, with the end of their grace period as epoch seconds) instead of one previous secret.
alter table http_endpoints add column retired_signing_secrets jsonb not null default '[]';
update http_endpoints
   set retired_signing_secrets = jsonb_build_array(jsonb_build_object(
           'secretEncrypted', previous_signing_secret_encrypted,
           'validUntil', extract(epoch from signing_secret_rotated_at + interval '24 hours')))
 where previous_signing_secret_encrypted is not null and signing_secret_rotated_at is not null;
alter table http_endpoints drop column previous_signing_secret_encrypted, drop column signing_secret_rotated_at;

--changeset sluice:018-console-sessions
-- Console sessions are kept on the server too, so logging out ends one for good: a replayed cookie finds no row.
-- Only a hash of the session's id is stored; the id itself lives in the browser's sealed cookie.
create table console_sessions (
    account_id  text not null references accounts (id) on delete cascade,
    id_hash     text primary key,
    expires_at  timestamptz not null,
    created_at  timestamptz not null default now()
);
create index console_sessions_expires_idx on console_sessions (expires_at);
