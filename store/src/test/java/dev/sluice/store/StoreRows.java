package dev.sluice.store;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.account.AccountDao;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceDao;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Creates the rows a store test needs, each with fresh ids and names, through the store's own DAOs. */
public final class StoreRows
{
    private final Store store;

    public StoreRows(Store store)
    {
        this.store = requireNonNull(store, "store is null");
    }

    public AccountId account()
    {
        AccountId account = AccountId.generate();
        store.onDemand(AccountDao.class).insert(account, "account " + account.value());
        return account;
    }

    public Source source(AccountId account)
    {
        SourceId id = SourceId.generate();
        Instant now = Instant.now();
        Source source = new Source(account, id, "source-" + id, "db.example.com", 5432, "shop", "sluice", "encrypted-password",
                "require", "sluice_pub", "sluice_slot", true, true, now, now);
        store.onDemand(SourceDao.class).insert(source);
        return source;
    }

    public Consumer pullConsumer(AccountId account, SourceId sourceId)
    {
        Consumer consumer = consumer(account, sourceId, Consumer.Kind.PULL, Optional.empty());
        store.onDemand(ConsumerDao.class).insert(consumer);
        return consumer;
    }

    public Consumer pushConsumer(AccountId account, SourceId sourceId)
    {
        // an endpoint row for the consumer to point at; the endpoint's own columns are not what these tests are about
        String endpointId = ResourceKind.HTTP_ENDPOINT.newId();
        store.useHandle(handle -> handle.createUpdate("insert into http_endpoints (account_id, id, name, url) values (:account, :id, :id, 'https://hooks.example.com')")
                .bind("account", account.value())
                .bind("id", endpointId)
                .execute());
        Consumer consumer = consumer(account, sourceId, Consumer.Kind.PUSH, Optional.of(endpointId));
        store.onDemand(ConsumerDao.class).insert(consumer);
        return consumer;
    }

    /** A pull consumer named {@code name}, otherwise as {@link #consumer(AccountId, SourceId, Consumer.Kind, Optional)}; not stored. */
    public static Consumer consumer(AccountId account, SourceId sourceId, String name)
    {
        return consumer(account, ConsumerId.generate(), name, sourceId, Consumer.Kind.PULL, Optional.empty());
    }

    /** A consumer of {@code public.orders} with every optional field unset; not stored. */
    public static Consumer consumer(AccountId account, SourceId sourceId, Consumer.Kind kind, Optional<String> endpointId)
    {
        ConsumerId id = ConsumerId.generate();
        return consumer(account, id, "consumer-" + id, sourceId, kind, endpointId);
    }

    private static Consumer consumer(AccountId account, ConsumerId id, String name, SourceId sourceId, Consumer.Kind kind, Optional<String> endpointId)
    {
        Instant now = Instant.now();
        return new Consumer(account, id, name, sourceId, kind, List.of(new TableSelection("public", "orders", List.of())),
                List.of("insert", "update", "delete"), Optional.empty(), Optional.empty(), endpointId, Optional.empty(), 100, 30, 1000, 10,
                StartPosition.now(), 0, true, now, now);
    }
}
