package dev.sluice.store.backfill;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.BackfillId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.Json;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Backfills of an account's consumers. */
@RegisterRowMapper(BackfillDao.BackfillMapper.class)
public interface BackfillDao
{
    default void insert(Backfill backfill)
    {
        insertRow(backfill.accountId(), backfill.id(), backfill.consumerId(), backfill.state().value(),
                backfill.start().map(Json::write).orElse(null), backfill.filter().orElse(null), Json.write(backfill.tables()));
    }

    /** Stores a new pending backfill of a consumer and returns it as stored. */
    default Backfill start(AccountId accountId, ConsumerId consumerId, StartPosition start, Optional<String> filter, List<TableSelection> tables)
    {
        BackfillId id = BackfillId.generate();
        Instant now = Instant.now();
        insert(new Backfill(accountId, id, consumerId, Backfill.State.PENDING, Optional.of(start), filter, tables, 0, Optional.empty(),
                Optional.empty(), Optional.empty(), now, now, Optional.empty()));
        return findById(accountId, consumerId, id).orElseThrow();
    }

    @SqlUpdate("""
            insert into backfills (account_id, id, consumer_id, state, start_position, filter, tables)
            values (:accountId, :id, :consumerId, :state, cast(:start as jsonb), :filter, cast(:tables as jsonb))
            """)
    void insertRow(@Bind("accountId") AccountId accountId, @Bind("id") BackfillId id, @Bind("consumerId") ConsumerId consumerId,
            @Bind("state") String state, @Bind("start") String start, @Bind("filter") String filter, @Bind("tables") String tables);

    @SqlQuery("select * from backfills where account_id = :accountId and consumer_id = :consumerId and id = :id")
    Optional<Backfill> findById(@Bind("accountId") AccountId accountId, @Bind("consumerId") ConsumerId consumerId, @Bind("id") BackfillId id);

    @SqlQuery("select * from backfills where account_id = :accountId and consumer_id = :consumerId and id > :after order by id limit :limit")
    List<Backfill> list(@Bind("accountId") AccountId accountId, @Bind("consumerId") ConsumerId consumerId, @Bind("after") String after, @Bind("limit") int limit);

    /** Moves a backfill from one state to another; returns 0 when it was no longer in {@code from} (an array: {@code = any}). */
    @SqlUpdate("""
            update backfills set state = :to, updated_at = now(),
                   completed_at = case when :to in ('completed', 'cancelled', 'failed') then now() else completed_at end
            where account_id = :accountId and id = :id and state = any(:from)
            """)
    int transition(@Bind("accountId") AccountId accountId, @Bind("id") BackfillId id, @Bind("from") String[] from, @Bind("to") String to);

    /**
     * The next backfill a source's worker should read: pending or running, of an active consumer of the source, oldest
     * first (ids sort by creation time, see {@code Ids}).
     */
    @SqlQuery("""
            select b.* from backfills b join consumers c on c.id = b.consumer_id
            where c.source_id = :sourceId and c.status = 'active' and b.state in ('pending', 'running')
            order by b.id limit 1
            """)
    Optional<Backfill> nextForSourceAcrossAccounts(@Bind("sourceId") SourceId sourceId);

    /**
     * Records a chunk's progress; fenced by the caller's transaction. Returns 0 when the backfill was paused or cancelled
     * meanwhile. A null {@code estimated} keeps the estimate an earlier chunk made ({@code coalesce}).
     */
    @SqlUpdate("""
            update backfills set state = 'running', cursor = :cursor, rows_read = rows_read + :rows,
                   rows_estimated = coalesce(:estimated, rows_estimated), updated_at = now()
            where id = :id and state in ('pending', 'running')
            """)
    int progress(@Bind("id") BackfillId id, @Bind("cursor") String cursor, @Bind("rows") long rows, @Bind("estimated") Long estimated);

    @SqlUpdate("update backfills set state = 'completed', completed_at = now(), updated_at = now() where id = :id and state in ('pending', 'running')")
    int complete(@Bind("id") BackfillId id);

    @SqlUpdate("update backfills set state = 'failed', error = :error, completed_at = now(), updated_at = now() where id = :id and state in ('pending', 'running')")
    int fail(@Bind("id") BackfillId id, @Bind("error") String error);

    /** Maps a {@code backfills} row. */
    final class BackfillMapper
            implements RowMapper<Backfill>
    {
        private static final TypeReference<List<TableSelection>> TABLES = new TypeReference<>() {};

        @Override
        public Backfill map(ResultSet rs, StatementContext ctx)
                throws SQLException
        {
            long estimated = rs.getLong("rows_estimated");
            Optional<Long> rowsEstimated = rs.wasNull() ? Optional.empty() : Optional.of(estimated);
            Timestamp completedAt = rs.getTimestamp("completed_at");
            return new Backfill(
                    new AccountId(rs.getString("account_id")),
                    new BackfillId(rs.getString("id")),
                    new ConsumerId(rs.getString("consumer_id")),
                    Backfill.State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
                    Optional.ofNullable(rs.getString("start_position")).map(json -> Json.read(json, StartPosition.class)),
                    Optional.ofNullable(rs.getString("filter")),
                    Optional.ofNullable(rs.getString("tables")).map(json -> Json.read(json, TABLES)).orElse(List.of()),
                    rs.getLong("rows_read"),
                    rowsEstimated,
                    Optional.ofNullable(rs.getString("cursor")),
                    Optional.ofNullable(rs.getString("error")),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant(),
                    Optional.ofNullable(completedAt).map(Timestamp::toInstant));
        }
    }
}
