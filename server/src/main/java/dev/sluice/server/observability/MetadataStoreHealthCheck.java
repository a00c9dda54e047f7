package dev.sluice.server.observability;

import com.codahale.metrics.health.HealthCheck;
import dev.sluice.store.Store;

import static java.util.Objects.requireNonNull;

/** Healthy when the metadata store answers a query. */
public final class MetadataStoreHealthCheck
        extends HealthCheck
{
    private final Store store;

    public MetadataStoreHealthCheck(Store store)
    {
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    protected Result check()
    {
        Integer one = store.withHandle(handle -> handle.createQuery("select 1").mapTo(Integer.class).one());
        return one == 1 ? Result.healthy() : Result.unhealthy("unexpected answer from the metadata store");
    }
}
