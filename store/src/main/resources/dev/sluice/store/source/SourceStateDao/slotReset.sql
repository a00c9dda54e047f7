-- A new slot streams from :lsn: the checkpoint moves there (never back) and the source may stream again.
-- The LSNs are compared as unsigned with their top bit flipped (# is XOR): see advance.sql.
update source_state set checkpoint_lsn = case when (:lsn # (-9223372036854775808)::bigint) > (checkpoint_lsn # (-9223372036854775808)::bigint)
                                              then :lsn else checkpoint_lsn end,
       state = 'idle', updated_at = now()
where source_id = :sourceId
