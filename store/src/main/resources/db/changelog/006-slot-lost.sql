--liquibase formatted sql

--changeset sluice:006-source-state-slot-lost
-- A source whose replication slot was invalidated or dropped waits in a state of its own until its slot is reset.
alter table source_state drop constraint source_state_state_check;
alter table source_state add constraint source_state_state_check check (state in ('idle', 'streaming', 'failed', 'slot_lost'));
