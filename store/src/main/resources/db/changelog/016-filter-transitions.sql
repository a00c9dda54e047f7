--liquibase formatted sql

--changeset sluice:016-consumer-filter-transitions
-- What a consumer with a filter receives when an update moves a row into or out of the filter:
-- 'none' judges the new row only; 'delete_insert' delivers a row that left as a delete and one that entered as an insert.
alter table consumers add column filter_transitions text not null default 'none'
    constraint consumers_filter_transitions_check check (filter_transitions in ('none', 'delete_insert'));
