--liquibase formatted sql

--changeset sluice:020-worker-live-since
-- Since when a worker has been live without a gap: units are handed over to balance the load only to a worker that has
-- been live for a while, so a worker that comes and goes (paused, restarting) does not make units move back and forth.
alter table workers add column live_since timestamptz not null default now();
