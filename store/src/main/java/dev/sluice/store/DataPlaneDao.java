package dev.sluice.store;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.endpoint.HttpEndpoint;
import dev.sluice.store.endpoint.HttpEndpointDao;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceDao;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

/**
 * Reads the data plane needs across accounts: a worker holding a unit looks its source and consumers up
 * by id, whatever account they belong to. Nothing here is reachable from the management API.
 */
public interface DataPlaneDao
{
    @SqlQuery("select * from sources where id = :id")
    @RegisterRowMapper(SourceDao.SourceMapper.class)
    Optional<Source> sourceAcrossAccounts(@Bind("id") SourceId sourceId);

    @SqlQuery("select * from consumers where id = :id")
    @RegisterRowMapper(ConsumerDao.ConsumerMapper.class)
    Optional<Consumer> consumerAcrossAccounts(@Bind("id") ConsumerId consumerId);

    @SqlQuery("select * from http_endpoints where id = :id")
    @RegisterRowMapper(HttpEndpointDao.HttpEndpointMapper.class)
    Optional<HttpEndpoint> endpointAcrossAccounts(@Bind("id") String endpointId);

    @SqlUpdate("update consumers set last_delivery_error = :error, last_delivery_error_at = now() where id = :id")
    void recordDeliveryError(@Bind("id") ConsumerId consumerId, @Bind("error") String error);

    @SqlUpdate("update consumers set last_delivered_at = now() where id = :id")
    void recordDelivered(@Bind("id") ConsumerId consumerId);

    @SqlQuery("select * from consumers where source_id = :sourceId order by id")
    @RegisterRowMapper(ConsumerDao.ConsumerMapper.class)
    List<Consumer> consumersOfSourceAcrossAccounts(@Bind("sourceId") SourceId sourceId);
}
