package dev.sluice.data;

import dev.sluice.core.id.SourceId;
import dev.sluice.data.deliver.PushSettings;
import dev.sluice.data.extract.CrashPoints;
import dev.sluice.data.extract.ExtractorSettings;
import dev.sluice.store.lease.Lease;
import dev.sluice.store.lease.LeaseDao;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static dev.sluice.data.ExtractionHarness.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One unit in trouble stalls only itself: a worker whose source stream waits on a lock keeps renewing its other
 * leases and streaming its other sources; and units move for balance only when a whole unit is gained, to a worker
 * that has been live for a while, once.
 */
class AvailabilityIT
{
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration REBALANCE_DELAY = Duration.ofSeconds(4);
    private static final List<String> ACTIONS = List.of("insert", "update", "delete");

    private ExtractionHarness harness;

    @BeforeEach
    void start()
    {
        harness = new ExtractionHarness(Map.of());
    }

    @AfterEach
    void stop()
    {
        harness.close();
    }

    @Test
    void aSourceWhoseStoreTransactionWaitsOnALockStallsOnlyItselfAndTheWorkerKeepsItsLeases()
    {
        String first = source("first");
        String second = source("second");
        String firstConsumer = harness.createConsumer(first, "first", table("first_items"), ACTIONS, Optional.empty());
        String secondConsumer = harness.createConsumer(second, "second", table("second_items"), ACTIONS, Optional.empty());
        DataPlane worker = startWorker();
        harness.sourceSql("insert into first_items values (1); insert into second_items values (1)");
        harness.awaitMessages(firstConsumer, 1);
        harness.awaitMessages(secondConsumer, 1);
        await().atMost(TTL.multipliedBy(10)).until(() -> worker.units().size() == 2);
        Map<String, Long> epochs = heldEpochs(worker);

        // another session holds the first source's state row: its next store transaction waits, holding its lease's fence
        try (Handle blocker = harness.store().jdbi().open()) {
            blocker.begin();
            blocker.createQuery("select 1 from source_state where source_id = :id for update").bind("id", first).mapTo(Integer.class).one();
            harness.sourceSql("insert into first_items values (2)");
            // for three lease lifetimes the second source streams every row within a lease's time
            long until = System.nanoTime() + TTL.multipliedBy(3).toNanos();
            int row = 1;
            while (System.nanoTime() < until) {
                row++;
                harness.sourceSql("insert into second_items values (" + row + ")");
                int expected = row;
                await().alias("row " + row + " of the second source").atMost(TTL).pollInterval(Duration.ofMillis(50))
                        .until(() -> harness.messages(secondConsumer).size() == expected);
            }
            assertThat(harness.messages(firstConsumer)).as("the first source waits").hasSize(1);
            assertThat(heldEpochs(worker)).as("the worker renewed both leases, the waiting one too").isEqualTo(epochs);
            blocker.rollback();
        }
        assertThat(harness.awaitMessages(firstConsumer, 2)).hasSize(2);
        assertThat(heldEpochs(worker)).isEqualTo(epochs);
    }

    @Test
    void unitsMoveForBalanceOnlyToASettledWorkerAndOnlyWhileAWholeUnitIsGained()
    {
        List<String> sources = List.of(source("one"), source("two"), source("three"));
        DataPlane first = startWorker();
        await().atMost(TTL.multipliedBy(10)).until(() -> first.units().size() == 3);

        DataPlane second = startWorker();
        // one unit moves (three against none gains a whole unit; two against one would not), and not before the newcomer
        // has been live for rebalanceDelay
        await().atMost(REBALANCE_DELAY.multipliedBy(3)).pollInterval(Duration.ofMillis(50)).until(() -> first.units().size() == 2 && second.units().size() == 1);
        assertThat(liveFor(second)).as("how long the newcomer had been live when it got a unit").isGreaterThanOrEqualTo(REBALANCE_DELAY);
        Map<String, String> owners = owners(sources);
        // every lease renewed a few ticks past the moment a unit handed back may be taken again: both workers have since
        // decided on balance with nothing left to wait for, and nothing moved
        Instant settled = databaseNow().plus(REBALANCE_DELAY).plus(TTL);
        await().atMost(REBALANCE_DELAY.multipliedBy(3)).until(() -> renewedAfter(sources, settled));
        assertThat(owners(sources)).isEqualTo(owners);
    }

    private String source(String name)
    {
        harness.sourceSql("create table " + name + "_items (id int primary key)");
        return harness.createSource(name);
    }

    private DataPlane startWorker()
    {
        return harness.startWorker(new DataPlaneSettings(DataPlaneSettings.newWorkerId(), TTL, TTL.dividedBy(4), 2, REBALANCE_DELAY,
                ExtractorSettings.defaults(), PushSettings.defaults(true)), () -> CrashPoints.NONE);
    }

    /** The epoch of each unit the worker holds, as the store says. */
    private Map<String, Long> heldEpochs(DataPlane worker)
    {
        LeaseDao leases = harness.store().onDemand(LeaseDao.class);
        return worker.units().stream().collect(Collectors.toMap(unit -> unit, unit -> leases.holder(unit)
                .filter(lease -> lease.owner().equals(worker.workerId())).map(Lease::epoch).orElse(-1L)));
    }

    /** Who holds each source's unit, with its epoch: any move changes it. */
    /** How long the worker has been live, as the metadata store says. */
    private Duration liveFor(DataPlane worker)
    {
        return Duration.ofMillis(harness.store().withHandle(handle -> handle.createQuery(
                        "select (extract(epoch from now() - live_since) * 1000)::bigint from workers where id = :id")
                .bind("id", worker.workerId()).mapTo(Long.class).one()));
    }

    private Instant databaseNow()
    {
        return harness.store().withHandle(handle -> handle.createQuery("select now()").mapTo(Instant.class).one());
    }

    /** Whether every source's lease was renewed after {@code moment}. */
    private boolean renewedAfter(List<String> sources, Instant moment)
    {
        return harness.store().withHandle(handle -> handle.createQuery("select bool_and(renewed_at > :moment) from leases where unit in (<units>)")
                .bindList("units", sources.stream().map(id -> Lease.extractUnit(new SourceId(id))).toList())
                .bind("moment", moment)
                .mapTo(Boolean.class).one());
    }

    private Map<String, String> owners(List<String> sources)
    {
        LeaseDao leases = harness.store().onDemand(LeaseDao.class);
        return sources.stream().collect(Collectors.toMap(source -> source, source -> leases.holder(Lease.extractUnit(new SourceId(source)))
                .map(lease -> lease.owner() + "@" + lease.epoch()).orElse("nobody")));
    }
}
