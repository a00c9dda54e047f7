package dev.sluice.store.consumer;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.MetadataStoreExtension;
import dev.sluice.store.Store;
import dev.sluice.store.StoreRows;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceDao;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A consumer comes back from the store as it was written, and its source cannot go while it reads it. */
@ExtendWith(MetadataStoreExtension.class)
class ConsumerDaoIT
{
    private static Store store;
    private static ConsumerDao consumers;

    private AccountId account;
    private Source source;

    @BeforeAll
    static void connect(Store store)
    {
        ConsumerDaoIT.store = store;
        consumers = store.onDemand(ConsumerDao.class);
    }

    @BeforeEach
    void newSource()
    {
        StoreRows rows = new StoreRows(store);
        account = rows.account();
        source = rows.source(account);
    }

    @Test
    void everyFieldSurvivesTheRoundTrip()
    {
        Consumer written = new Consumer(account, ConsumerId.generate(), "paid-orders", source.id(), Consumer.Kind.PULL,
                List.of(new TableSelection("public", "orders", List.of()), new TableSelection("billing", "invoices", List.of("customer_id", "year"))),
                List.of("insert", "delete"), Optional.of("status = 'paid'"), Optional.of("function transform(a, r, c, m) return r end"),
                Optional.empty(), Optional.empty(), 250, 45, 5000, 7, new StartPosition(StartPosition.At.ROW, "id", "1000"), 0x1_2345_6789L, false,
                Instant.now(), Instant.now(), Consumer.FilterTransitions.DELETE_INSERT);

        consumers.insert(written);
        Consumer read = consumers.findById(account, written.id()).orElseThrow();

        assertThat(read).usingRecursiveComparison().ignoringFields("createdAt", "updatedAt").isEqualTo(written);
        assertThat(consumers.findByName(account, "paid-orders")).contains(read);
        assertThat(store.onDemand(DataPlaneDao.class).consumerAcrossAccounts(written.id())).contains(read);
    }

    @Test
    void anUpdateChangesWhatItMayAndKeepsTheRest()
    {
        Consumer created = new StoreRows(store).pullConsumer(account, source.id());
        Consumer changed = new Consumer(account, created.id(), "renamed", source.id(), Consumer.Kind.PULL, created.tables(), List.of("insert"),
                Optional.of("amount > 10"), Optional.empty(), Optional.empty(), Optional.empty(), 10, 5, 20, 3,
                new StartPosition(StartPosition.At.BEGINNING, null, null), 999, false, created.createdAt(), created.updatedAt())
                .withFilterTransitions(Consumer.FilterTransitions.DELETE_INSERT);

        assertThat(consumers.update(changed)).isEqualTo(1);

        Consumer read = consumers.findById(account, created.id()).orElseThrow();
        assertThat(read.name()).isEqualTo("renamed");
        assertThat(read.actions()).containsExactly("insert");
        assertThat(read.filter()).contains("amount > 10");
        assertThat(read.batchSize()).isEqualTo(10);
        assertThat(read.active()).isFalse();
        assertThat(read.filterTransitions()).isEqualTo(Consumer.FilterTransitions.DELETE_INSERT);
        // where a consumer starts is fixed at creation
        assertThat(read.start()).isEqualTo(created.start());
        assertThat(read.startLsn()).isEqualTo(created.startLsn());
    }

    @Test
    void aPushWorkersDeliveryReportsReachTheConsumersHealth()
    {
        Consumer consumer = new StoreRows(store).pushConsumer(account, source.id());
        DataPlaneDao dataPlane = store.onDemand(DataPlaneDao.class);
        ConsumerDao.DeliveryHealth fresh = consumers.deliveryHealth(account, consumer.id()).orElseThrow();
        assertThat(fresh.lastDeliveredAt()).isNull();
        assertThat(fresh.lastDeliveryError()).isNull();

        dataPlane.recordDeliveryError(consumer.id(), "503 Service Unavailable");
        dataPlane.recordDelivered(consumer.id());

        ConsumerDao.DeliveryHealth health = consumers.deliveryHealth(account, consumer.id()).orElseThrow();
        assertThat(health.lastDeliveryError()).isEqualTo("503 Service Unavailable");
        assertThat(health.lastDeliveryErrorAt()).isNotNull();
        assertThat(health.lastDeliveredAt()).isNotNull();
        assertThat(dataPlane.consumersOfSourceAcrossAccounts(source.id())).extracting(Consumer::id).containsExactly(consumer.id());
    }

    @Test
    void aSourceWithConsumersCannotBeDeleted()
    {
        Consumer consumer = new StoreRows(store).pullConsumer(account, source.id());
        SourceDao sources = store.onDemand(SourceDao.class);

        assertThatThrownBy(() -> sources.delete(account, source.id()))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasMessageContaining("consumers_source_id_fkey");

        assertThat(consumers.delete(account, consumer.id())).isEqualTo(1);
        assertThat(sources.delete(account, source.id())).isEqualTo(1);
    }

    @Test
    void aNameIsUniqueWithinAnAccountOnly()
    {
        Consumer first = new StoreRows(store).pullConsumer(account, source.id());

        assertThatThrownBy(() -> consumers.insert(StoreRows.consumer(account, source.id(), first.name())))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasMessageContaining("consumers_account_id_name_key");

        StoreRows rows = new StoreRows(store);
        AccountId other = rows.account();
        consumers.insert(StoreRows.consumer(other, rows.source(other).id(), first.name()));

        assertThat(consumers.findByName(other, first.name())).isPresent();
    }
}
