--liquibase formatted sql

--changeset sluice:005-delivery-stats-minute-idx
-- The retention purge deletes per-minute counts by age, across consumers.
create index delivery_stats_minute_idx on delivery_stats (minute);
