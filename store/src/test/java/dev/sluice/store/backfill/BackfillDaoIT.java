package dev.sluice.store.backfill;

import dev.sluice.core.id.AccountId;
import dev.sluice.store.MetadataStoreExtension;
import dev.sluice.store.Store;
import dev.sluice.store.StoreRows;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.store.source.Source;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Backfills: which one a source's worker reads next, its progress, and states that stop it. */
@ExtendWith(MetadataStoreExtension.class)
class BackfillDaoIT
{
    private static Store store;
    private static BackfillDao backfills;

    private AccountId account;
    private Source source;
    private Consumer consumer;

    @BeforeAll
    static void connect(Store store)
    {
        BackfillDaoIT.store = store;
        backfills = store.onDemand(BackfillDao.class);
    }

    @BeforeEach
    void newConsumer()
    {
        StoreRows rows = new StoreRows(store);
        account = rows.account();
        source = rows.source(account);
        consumer = rows.pullConsumer(account, source.id());
    }

    @Test
    void aStartedBackfillIsPendingWithWhatItReads()
    {
        List<TableSelection> tables = List.of(new TableSelection("public", "orders", List.of("customer_id")));
        StartPosition from = new StartPosition(StartPosition.At.ROW, "id", "500");

        Backfill backfill = backfills.start(account, consumer.id(), from, Optional.of("status = 'paid'"), tables);

        assertThat(backfill.state()).isEqualTo(Backfill.State.PENDING);
        assertThat(backfill.start()).contains(from);
        assertThat(backfill.filter()).contains("status = 'paid'");
        assertThat(backfill.tables()).isEqualTo(tables);
        assertThat(backfill.rowsRead()).isZero();
        assertThat(backfill.cursor()).isEmpty();
        assertThat(backfill.completedAt()).isEmpty();
    }

    @Test
    void theOldestOpenBackfillOfAnActiveConsumerIsNext()
    {
        Backfill first = start(consumer);
        Backfill second = start(consumer);

        assertThat(backfills.nextForSourceAcrossAccounts(source.id()).map(Backfill::id)).contains(first.id());

        assertThat(backfills.complete(first.id())).isEqualTo(1);
        assertThat(backfills.nextForSourceAcrossAccounts(source.id()).map(Backfill::id)).contains(second.id());

        // a paused consumer's backfills wait with it
        ConsumerDao consumers = store.onDemand(ConsumerDao.class);
        Consumer paused = consumers.findById(account, consumer.id()).orElseThrow();
        consumers.update(new Consumer(account, paused.id(), paused.name(), paused.sourceId(), paused.kind(), paused.tables(), paused.actions(),
                paused.filter(), paused.transform(), paused.endpointId(), paused.path(), paused.batchSize(), paused.visibilityTimeoutSeconds(),
                paused.maxAckPending(), paused.maxDeliver(), paused.start(), paused.startLsn(), false, paused.createdAt(), paused.updatedAt()));
        assertThat(backfills.nextForSourceAcrossAccounts(source.id())).isEmpty();
    }

    @Test
    void progressAddsUpAndStopsWhenTheBackfillIsPaused()
    {
        Backfill backfill = start(consumer);

        assertThat(backfills.progress(backfill.id(), "{\"id\":1000}", 1000, 5000L)).isEqualTo(1);
        assertThat(backfills.progress(backfill.id(), "{\"id\":2000}", 1000, null)).isEqualTo(1);

        Backfill running = find(backfill);
        assertThat(running.state()).isEqualTo(Backfill.State.RUNNING);
        assertThat(running.rowsRead()).isEqualTo(2000);
        assertThat(running.rowsEstimated()).contains(5000L);
        assertThat(running.cursor()).contains("{\"id\":2000}");

        assertThat(backfills.transition(account, backfill.id(), new String[] {"pending", "running"}, "paused")).isEqualTo(1);
        // a chunk read before the pause does not count, nor move the cursor
        assertThat(backfills.progress(backfill.id(), "{\"id\":3000}", 1000, null)).isZero();
        assertThat(find(backfill).cursor()).contains("{\"id\":2000}");
        assertThat(backfills.complete(backfill.id())).isZero();
    }

    @Test
    void aFinishedBackfillStaysFinished()
    {
        Backfill cancelled = start(consumer);
        Backfill failed = start(consumer);

        assertThat(backfills.transition(account, cancelled.id(), new String[] {"pending", "running", "paused"}, "cancelled")).isEqualTo(1);
        assertThat(backfills.fail(failed.id(), "relation \"public.orders\" does not exist")).isEqualTo(1);

        assertThat(find(cancelled).state()).isEqualTo(Backfill.State.CANCELLED);
        assertThat(find(cancelled).completedAt()).isPresent();
        assertThat(find(failed).error()).contains("relation \"public.orders\" does not exist");
        assertThat(backfills.transition(account, cancelled.id(), new String[] {"pending", "running", "paused"}, "running")).isZero();
        assertThat(backfills.complete(failed.id())).isZero();
        assertThat(backfills.fail(cancelled.id(), "late")).isZero();
        assertThat(backfills.nextForSourceAcrossAccounts(source.id())).isEmpty();
    }

    private Backfill start(Consumer of)
    {
        return backfills.start(account, of.id(), StartPosition.now(), Optional.empty(), of.tables());
    }

    private Backfill find(Backfill backfill)
    {
        return backfills.findById(account, backfill.consumerId(), backfill.id()).orElseThrow();
    }
}
