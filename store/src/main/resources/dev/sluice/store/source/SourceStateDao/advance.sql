-- Moves the checkpoint forward, never back, and counts what the batch stored. A whole transaction stored ends any
-- transaction stored in parts before it (partial_lsn, partial_index).
-- checkpoint_lsn holds an LSN's 64 bits in a signed bigint: above 2^63 an LSN is a negative number, so greatest() and
-- > would order it wrong. XOR with the top bit (# is XOR) flips it, which orders the values as unsigned LSNs.
update source_state set checkpoint_lsn = case when (:lsn # (-9223372036854775808)::bigint) > (checkpoint_lsn # (-9223372036854775808)::bigint)
                                              then :lsn else checkpoint_lsn end,
       partial_lsn = null, partial_index = null,
       changes_read = changes_read + :changes, messages_stored = messages_stored + :messages,
       state = 'streaming', worker = :worker, updated_at = now()
where source_id = :sourceId
