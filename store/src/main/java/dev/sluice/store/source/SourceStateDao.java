package dev.sluice.store.source;

import dev.sluice.core.Lsn;
import dev.sluice.core.id.SourceId;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;

/**
 * Source replication state. The worker writes it inside fenced transactions; the API reads it.
 * <p>
 * {@code checkpoint_lsn} holds an LSN's 64 bits in a bigint, so an LSN above 2^63 is a negative number there and SQL's
 * own order ({@code greatest}, {@code <}) is wrong for it. Two LSNs are compared with their top bit flipped
 * ({@code # (-9223372036854775808)::bigint}, {@code #} being XOR), which orders them as {@link Lsn#compareTo} does:
 * see {@code SourceStateDao/advance.sql} and {@code slotReset.sql} beside this interface. Their comments are kept
 * ({@code stripComments = false}): JDBI's comment stripping would take the {@code #} for the start of one.
 */
@RegisterRowMapper(SourceStateDao.SourceStateMapper.class)
public interface SourceStateDao
{
    @SqlUpdate("insert into source_state (source_id) values (:sourceId) on conflict do nothing")
    void ensure(@Bind("sourceId") SourceId sourceId);

    @SqlQuery("select * from source_state where source_id = :sourceId")
    Optional<SourceState> find(@Bind("sourceId") SourceId sourceId);

    /**
     * Moves the checkpoint forward (never back, in the unsigned order of LSNs), ends a transaction stored in parts and
     * counts what the batch stored.
     */
    @UseClasspathSqlLocator(stripComments = false)
    @SqlUpdate
    int advance(@Bind("sourceId") SourceId sourceId, @Bind("lsn") Lsn lsn, @Bind("changes") long changes, @Bind("messages") long messages,
            @Bind("worker") String worker);

    @SqlUpdate("update source_state set state = :state, worker = :worker, updated_at = now() where source_id = :sourceId")
    int setState(@Bind("sourceId") SourceId sourceId, @Bind("state") String state, @Bind("worker") String worker);

    @SqlUpdate("update source_state set slot_lag_bytes = :lag, updated_at = now() where source_id = :sourceId")
    int setSlotLag(@Bind("sourceId") SourceId sourceId, @Bind("lag") Long lag);

    @SqlUpdate("""
            update source_state set state = 'failed', last_error = :error, last_error_at = now(), updated_at = now()
            where source_id = :sourceId
            """)
    int fail(@Bind("sourceId") SourceId sourceId, @Bind("error") String error);

    /** The slot cannot stream what the checkpoint needs: the source waits for a reset, keeping when it was first seen. */
    @SqlUpdate("""
            update source_state set last_error_at = case when state = 'slot_lost' then last_error_at else now() end,
                   state = 'slot_lost', last_error = :error, updated_at = now()
            where source_id = :sourceId
            """)
    int slotLost(@Bind("sourceId") SourceId sourceId, @Bind("error") String error);

    /** A new slot streams from {@code lsn}: the checkpoint moves there (never back) and the source may stream again. */
    @UseClasspathSqlLocator(stripComments = false)
    @SqlUpdate
    int slotReset(@Bind("sourceId") SourceId sourceId, @Bind("lsn") Lsn lsn);

    /** Maps a {@code source_state} row. */
    final class SourceStateMapper
            implements RowMapper<SourceState>
    {
        @Override
        public SourceState map(ResultSet rs, StatementContext ctx)
                throws SQLException
        {
            long lag = rs.getLong("slot_lag_bytes");
            Optional<Long> slotLag = rs.wasNull() ? Optional.empty() : Optional.of(lag);
            Timestamp errorAt = rs.getTimestamp("last_error_at");
            return new SourceState(
                    new SourceId(rs.getString("source_id")),
                    Lsn.valueOf(rs.getLong("checkpoint_lsn")),
                    Optional.ofNullable(rs.getString("worker")),
                    rs.getString("state"),
                    slotLag,
                    rs.getLong("changes_read"),
                    rs.getLong("messages_stored"),
                    Optional.ofNullable(rs.getString("last_error")),
                    Optional.ofNullable(errorAt).map(Timestamp::toInstant),
                    rs.getTimestamp("updated_at").toInstant());
        }
    }
}
