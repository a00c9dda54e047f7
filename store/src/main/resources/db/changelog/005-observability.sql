--liquibase formatted sql

--changeset sluice:005-delivery-stats-minute-idx
-- The retention purge deletes per-minute counts by age, across consumers.
create index delivery_stats_minute_idx on delivery_stats (minute);

--changeset sluice:005-delivery-stats-stored
-- Messages stored per consumer and minute, beside delivered and acked: the console's throughput chart.
alter table delivery_stats add column stored bigint not null default 0;
