package dev.sluice.store.consumer;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Consumers of an account. */
@RegisterRowMapper(ConsumerDao.ConsumerMapper.class)
public interface ConsumerDao
        extends SqlObject
{
    String COLUMNS_SET = """
            name = :name, tables = cast(:tables as jsonb), actions = :actions, filter = :filter, transform = :transform,
            endpoint_id = :endpointId, path = :path, batch_size = :batchSize, visibility_timeout_seconds = :visibilityTimeoutSeconds,
            max_ack_pending = :maxAckPending, max_deliver = :maxDeliver, status = :status, updated_at = now()
            """;

    default void insert(Consumer consumer)
    {
        insertRow(consumer.accountId(), consumer.id(), consumer.name(), consumer.sourceId(), consumer.kind().name().toLowerCase(Locale.ROOT),
                Json.write(consumer.tables()), consumer.actions().toArray(String[]::new), consumer.filter().orElse(null),
                consumer.transform().orElse(null), consumer.endpointId().orElse(null), consumer.path().orElse(null), consumer.batchSize(),
                consumer.visibilityTimeoutSeconds(), consumer.maxAckPending(), consumer.maxDeliver(), Json.write(consumer.start()),
                consumer.startLsn(), status(consumer));
        setFilterTransitions(consumer.accountId(), consumer.id(), consumer.filterTransitions().apiName());
    }

    @SqlUpdate("update consumers set filter_transitions = :transitions where account_id = :accountId and id = :id")
    int setFilterTransitions(@Bind("accountId") AccountId accountId, @Bind("id") ConsumerId id, @Bind("transitions") String transitions);

    @SqlUpdate("""
            insert into consumers (account_id, id, name, source_id, kind, tables, actions, filter, transform, endpoint_id, path, batch_size,
                                   visibility_timeout_seconds, max_ack_pending, max_deliver, start_position, start_lsn, status)
            values (:accountId, :id, :name, :sourceId, :kind, cast(:tables as jsonb), :actions, :filter, :transform, :endpointId, :path, :batchSize,
                    :visibilityTimeoutSeconds, :maxAckPending, :maxDeliver, cast(:start as jsonb), :startLsn, :status)
            """)
    void insertRow(@Bind("accountId") AccountId accountId, @Bind("id") ConsumerId id, @Bind("name") String name, @Bind("sourceId") SourceId sourceId,
            @Bind("kind") String kind, @Bind("tables") String tables, @Bind("actions") String[] actions, @Bind("filter") String filter,
            @Bind("transform") String transform, @Bind("endpointId") String endpointId, @Bind("path") String path, @Bind("batchSize") int batchSize,
            @Bind("visibilityTimeoutSeconds") int visibilityTimeoutSeconds, @Bind("maxAckPending") int maxAckPending,
            @Bind("maxDeliver") int maxDeliver, @Bind("start") String start, @Bind("startLsn") long startLsn, @Bind("status") String status);

    default int update(Consumer consumer)
    {
        int rows = updateRow(consumer.accountId(), consumer.id(), consumer.name(), Json.write(consumer.tables()), consumer.actions().toArray(String[]::new),
                consumer.filter().orElse(null), consumer.transform().orElse(null), consumer.endpointId().orElse(null), consumer.path().orElse(null),
                consumer.batchSize(), consumer.visibilityTimeoutSeconds(), consumer.maxAckPending(), consumer.maxDeliver(), status(consumer));
        if (rows > 0) {
            setFilterTransitions(consumer.accountId(), consumer.id(), consumer.filterTransitions().apiName());
        }
        return rows;
    }

    @SqlUpdate("update consumers set " + COLUMNS_SET + " where account_id = :accountId and id = :id")
    int updateRow(@Bind("accountId") AccountId accountId, @Bind("id") ConsumerId id, @Bind("name") String name, @Bind("tables") String tables,
            @Bind("actions") String[] actions, @Bind("filter") String filter, @Bind("transform") String transform,
            @Bind("endpointId") String endpointId, @Bind("path") String path, @Bind("batchSize") int batchSize,
            @Bind("visibilityTimeoutSeconds") int visibilityTimeoutSeconds, @Bind("maxAckPending") int maxAckPending,
            @Bind("maxDeliver") int maxDeliver, @Bind("status") String status);

    default Optional<Consumer> findById(AccountId accountId, ConsumerId id)
    {
        return findById(getHandle(), accountId, id);
    }

    default Optional<Consumer> findByName(AccountId accountId, String name)
    {
        return findByName(getHandle(), accountId, name);
    }

    /**
     * A consumer by id, as a plain query on a handle the caller holds, for the lookup every pull request makes:
     * attaching a SQL object to a handle costs JDBI more than the query it runs (in a pull's profile, half of the
     * consumer's lookup was the attach).
     */
    static Optional<Consumer> findById(Handle handle, AccountId accountId, ConsumerId id)
    {
        return handle.createQuery("select * from consumers where account_id = :accountId and id = :id")
                .bind("accountId", accountId).bind("id", id).map(new ConsumerMapper()).findOne();
    }

    /** A consumer by name, as a plain query on a handle the caller holds, as {@link #findById(Handle, AccountId, ConsumerId)}. */
    static Optional<Consumer> findByName(Handle handle, AccountId accountId, String name)
    {
        return handle.createQuery("select * from consumers where account_id = :accountId and name = :name")
                .bind("accountId", accountId).bind("name", name).map(new ConsumerMapper()).findOne();
    }

    @SqlQuery("select * from consumers where account_id = :accountId and id > :after order by id limit :limit")
    List<Consumer> list(@Bind("accountId") AccountId accountId, @Bind("after") String after, @Bind("limit") int limit);

    /** Up to ten names of consumers that read the source, in order. */
    @SqlQuery("select name from consumers where account_id = :accountId and source_id = :sourceId order by name limit 10")
    List<String> namesReading(@Bind("accountId") AccountId accountId, @Bind("sourceId") SourceId sourceId);

    /** Up to ten names of consumers that push to the HTTP endpoint, in order. */
    @SqlQuery("select name from consumers where account_id = :accountId and endpoint_id = :endpointId order by name limit 10")
    List<String> namesPushingTo(@Bind("accountId") AccountId accountId, @Bind("endpointId") String endpointId);

    /** When the consumer last delivered, and its last delivery error. */
    @SqlQuery("select last_delivered_at, last_delivery_error, last_delivery_error_at from consumers where account_id = :accountId and id = :id")
    @RegisterConstructorMapper(DeliveryHealth.class)
    Optional<DeliveryHealth> deliveryHealth(@Bind("accountId") AccountId accountId, @Bind("id") ConsumerId id);

    /** A consumer's delivery health, as its push worker last recorded it. */
    record DeliveryHealth(OffsetDateTime lastDeliveredAt, String lastDeliveryError, OffsetDateTime lastDeliveryErrorAt) {}

    @SqlUpdate("delete from consumers where account_id = :accountId and id = :id")
    int delete(@Bind("accountId") AccountId accountId, @Bind("id") ConsumerId id);

    private static String status(Consumer consumer)
    {
        return consumer.active() ? "active" : "paused";
    }

    /** Maps a {@code consumers} row. */
    final class ConsumerMapper
            implements RowMapper<Consumer>
    {
        private static final TypeReference<List<TableSelection>> TABLES = new TypeReference<>() {};

        @Override
        public Consumer map(ResultSet rs, StatementContext ctx)
                throws SQLException
        {
            return new Consumer(
                    new AccountId(rs.getString("account_id")),
                    new ConsumerId(rs.getString("id")),
                    rs.getString("name"),
                    new SourceId(rs.getString("source_id")),
                    Consumer.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
                    Json.read(rs.getString("tables"), TABLES),
                    List.of((String[]) rs.getArray("actions").getArray()),
                    Optional.ofNullable(rs.getString("filter")),
                    Optional.ofNullable(rs.getString("transform")),
                    Optional.ofNullable(rs.getString("endpoint_id")),
                    Optional.ofNullable(rs.getString("path")),
                    rs.getInt("batch_size"),
                    rs.getInt("visibility_timeout_seconds"),
                    rs.getInt("max_ack_pending"),
                    rs.getInt("max_deliver"),
                    Json.read(rs.getString("start_position"), StartPosition.class),
                    rs.getLong("start_lsn"),
                    "active".equals(rs.getString("status")),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant(),
                    Consumer.FilterTransitions.fromApiName(rs.getString("filter_transitions")));
        }
    }
}
