package dev.sluice.data;

import dev.sluice.core.Lsn;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.data.ExtractionHarness.StreamedMessage;
import dev.sluice.data.deliver.PushSettings;
import dev.sluice.data.extract.CrashPoints;
import dev.sluice.data.extract.ExtractorSettings;
import dev.sluice.store.Store;
import dev.sluice.store.lease.Lease;
import dev.sluice.store.lease.LeaseDao;
import dev.sluice.stream.DeliveryCounters;
import dev.sluice.stream.MessageStore;
import dev.sluice.stream.NewMessage;
import dev.sluice.stream.StreamAppender;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import javax.sql.DataSource;

import static dev.sluice.data.ExtractionHarness.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Workers die or stall at the worst moments; afterwards every change is in the consumer's stream exactly
 * once, and a worker that lost its lease writes nothing.
 */
class FaultsIT
{
    private static final Duration TTL = Duration.ofSeconds(3);
    private static final List<String> ACTIONS = List.of("insert", "update", "delete");

    private ExtractionHarness harness;
    private String source;
    private String consumer;

    @BeforeEach
    void start()
    {
        harness = new ExtractionHarness(Map.of());
        source = harness.createSource("faults");
        harness.sourceSql("create table items (id int primary key, label text)");
        consumer = harness.createConsumer(source, "items", table("items"), ACTIONS, Optional.empty());
    }

    @AfterEach
    void stop()
    {
        harness.close();
    }

    @Test
    void aWorkerThatDiesBeforeTheStoreCommitLosesNothing()
    {
        CrashOnce crash = new CrashOnce(true);
        harness.startWorker(TTL, () -> crash);
        insertInTransactions(1, 30);
        assertExactlyOnce(30);
        assertThat(crash.crashed()).isTrue();
    }

    @Test
    void aWorkerThatDiesBetweenTheStoreCommitAndTheConfirmStoresNothingTwice()
    {
        CrashOnce crash = new CrashOnce(false);
        harness.startWorker(TTL, () -> crash);
        insertInTransactions(1, 30);
        assertExactlyOnce(30);
        assertThat(crash.crashed()).isTrue();
    }

    @Test
    void onlyOneOfTwoWorkersStreamsASourceAndTheOtherTakesOverWhenItDies()
    {
        DataPlane first = harness.startWorker(TTL, () -> CrashPoints.NONE);
        DataPlane second = harness.startWorker(TTL, () -> CrashPoints.NONE);
        insertInTransactions(1, 10);
        assertExactlyOnce(10);
        await().atMost(TTL.multipliedBy(10)).until(() -> holderOwner().isPresent());
        Lease holder = holder();
        assertThat(List.of(first.workerId(), second.workerId())).contains(holder.owner());
        assertThat(activeWalSenders()).isEqualTo(1L);

        DataPlane dead = holder.owner().equals(first.workerId()) ? first : second;
        DataPlane survivor = dead == first ? second : first;
        dead.halt();
        insertInTransactions(11, 20);
        await().atMost(TTL.multipliedBy(10)).until(() -> holderOwner().equals(Optional.of(survivor.workerId())));
        assertThat(epoch()).isGreaterThan(holder.epoch());
        assertExactlyOnce(20);
    }

    @Test
    void aSourceThatEndsTheReplicationConnectionIsNoticedWithinSecondsAndStreamingResumes()
    {
        harness.startWorker(TTL, () -> CrashPoints.NONE);
        insertInTransactions(1, 5);
        assertExactlyOnce(5);
        await().atMost(Duration.ofSeconds(10)).until(() -> activeWalSenders() == 1);
        long walSender = harness.sourceLong("select active_pid from pg_replication_slots where active");

        // what a crash or an immediate restart of the source does to the stream: the server closes the connection, and the
        // worker, which only reads from it, hears nothing more
        harness.sourceSql("select pg_terminate_backend(" + walSender + ")");
        await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    long now = harness.sourceLong("select coalesce(max(active_pid), 0) from pg_replication_slots where active");
                    return now != 0 && now != walSender;
                });

        insertInTransactions(6, 8);
        assertExactlyOnce(8);
    }

    @Test
    void anIdleStreamConfirmsKeepalivesButNeverAChangeItsWriterHasNotCommitted()
            throws Exception
    {
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean();
        CrashPoints stall = new CrashPoints()
        {
            @Override
            public void beforeStoreCommit(Optional<Lsn> checkpoint, int changes)
            {
                if (checkpoint.isPresent() && changes > 0 && armed.compareAndSet(true, false)) {
                    blocked.countDown();
                    try {
                        new CountDownLatch(1).await(120, TimeUnit.SECONDS);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new SimulatedCrash("the worker died while storing");
                }
            }
        };
        DataPlane first = harness.startWorker(TTL, () -> stall);
        insertInTransactions(1, 10);
        assertExactlyOnce(10);
        // idle: the stream confirms the server's keepalive position, so the slot does not hold WAL
        long idle = harness.sourceLong("select pg_current_wal_lsn() - '0/0'");
        await().atMost(Duration.ofSeconds(60)).until(() -> confirmedFlush() >= idle);

        armed.set(true);
        harness.sourceSql("insert into items select g, 'item ' || g from generate_series(11, 20) g");
        // the insert position: the write position may lag behind a commit that did not wait for its flush
        long committed = harness.sourceLong("select pg_current_wal_insert_lsn() - '0/0'");
        assertThat(blocked.await(60, TimeUnit.SECONDS)).isTrue();
        // a status update reaches the server while the writer holds the transaction: it must not confirm it
        long since = harness.sourceLong("select (extract(epoch from clock_timestamp()) * 1000)::bigint");
        await().atMost(Duration.ofSeconds(60)).until(() -> lastReplyMillis() > since);
        assertThat(confirmedFlush()).isLessThan(committed);

        harness.halt(first);
        harness.startWorker(TTL, () -> CrashPoints.NONE);
        assertExactlyOnce(20);
    }

    /** {@code dataSource}, calling {@code rolledBack} when {@code thread} rolls a transaction back on one of its connections. */
    private static DataSource rollbacksOf(DataSource dataSource, Supplier<Thread> thread, Runnable rolledBack)
    {
        return proxy(DataSource.class, dataSource, (method, result) -> {
            if (!method.getName().equals("getConnection")) {
                return result;
            }
            return proxy(Connection.class, (Connection) result, (call, ignored) -> {
                if (call.getName().equals("rollback") && call.getParameterCount() == 0 && Thread.currentThread() == thread.get()) {
                    rolledBack.run();
                }
                return ignored;
            });
        });
    }

    private static <T> T proxy(Class<T> type, T target, BiFunction<Method, Object, Object> after)
    {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            try {
                return after.apply(method, method.invoke(target, arguments));
            }
            catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    private long confirmedFlush()
    {
        return harness.sourceLong("select coalesce(max(confirmed_flush_lsn - '0/0'), 0)::bigint from pg_replication_slots where slot_name = 'slot_faults'");
    }

    /** When the source last heard from the stream's connection (a status update). */
    private long lastReplyMillis()
    {
        return harness.sourceLong("""
                select coalesce(max((extract(epoch from r.reply_time) * 1000)::bigint), 0) from pg_stat_replication r
                join pg_replication_slots s on s.active_pid = r.pid where s.slot_name = 'slot_faults'
                """);
    }

    @Test
    void aPausedWorkerThatLostItsLeaseWritesNothingWhenItResumes()
            throws Exception
    {
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicInteger lostWrites = new AtomicInteger();
        AtomicReference<Thread> staleWriter = new AtomicReference<>();
        CountDownLatch staleWriteRolledBack = new CountDownLatch(1);
        CrashPoints stall = new CrashPoints()
        {
            @Override
            public void beforeStoreCommit(Optional<Lsn> checkpoint, int changes)
            {
                if (checkpoint.isPresent() && changes > 0 && first.getAndSet(false)) {
                    // the write goes on on this thread once resumed
                    staleWriter.set(Thread.currentThread());
                    paused.countDown();
                    try {
                        resume.await(60, TimeUnit.SECONDS);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    lostWrites.incrementAndGet();
                }
            }
        };
        // the stale worker's store tells when its writing thread rolls a transaction back
        Store observed = new Store(rollbacksOf(harness.store().dataSource(), staleWriter::get, staleWriteRolledBack::countDown));
        DataPlane stalled = harness.startWorker(observed, new DataPlaneSettings(DataPlaneSettings.newWorkerId(), TTL, TTL.dividedBy(4), 2, TTL.multipliedBy(2),
                ExtractorSettings.defaults(), PushSettings.defaults(true)), () -> stall);
        insertInTransactions(1, 1);
        assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
        stalled.freeze();
        long epochBefore = epoch();

        DataPlane rescuer = harness.startWorker(TTL, () -> CrashPoints.NONE);
        await().atMost(TTL.multipliedBy(10)).until(() -> holderOwner().equals(Optional.of(rescuer.workerId())));
        assertThat(epoch()).isGreaterThan(epochBefore);
        insertInTransactions(2, 5);
        assertExactlyOnce(5);

        resume.countDown();
        assertThat(staleWriteRolledBack.await(30, TimeUnit.SECONDS)).as("the stale worker's write transaction ended in a rollback").isTrue();
        assertThat(lostWrites.get()).isEqualTo(1);
        assertThat(harness.messages(consumer)).hasSize(5);
        assertThat(changesRead()).as("the stale worker's batch was not written").isEqualTo(5);
    }

    @Test
    void aWorkerStuckInsideAMetadataTransactionIsEndedSoItsExpiredLeaseCanBeTakenOver()
    {
        // a worker frozen mid-transaction: its lease expired long ago, but its session still holds the lease row
        String unit = "extract:" + source;
        harness.store().useHandle(handle -> handle.execute("""
                insert into leases (unit, owner, epoch, expires_at) values (?, 'vm-stuck', 7, now() - interval '1 minute')
                on conflict (unit) do update set owner = 'vm-stuck', epoch = 7, expires_at = now() - interval '1 minute'
                """, unit));
        try (Handle stuck = harness.store().jdbi().open()) {
            stuck.execute("set application_name = '" + DataPlane.applicationName("vm-stuck") + "'");
            stuck.begin();
            stuck.createQuery("select epoch from leases where unit = :unit for share").bind("unit", unit).mapTo(Long.class).one();

            DataPlane rescuer = harness.startWorker(TTL, () -> CrashPoints.NONE);
            await().atMost(TTL.multipliedBy(10)).until(() -> holderOwner().equals(Optional.of(rescuer.workerId())));
            insertInTransactions(1, 3);
            assertExactlyOnce(3);
            assertThatThrownBy(() -> stuck.createQuery("select 1").mapTo(Integer.class).one())
                    .as("the stuck worker's session was ended").isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void aConsumerThatFallsBehindPausesItsSourceInsteadOfFillingTheStore()
    {
        harness.startWorker(TTL, () -> CrashPoints.NONE,
                new ExtractorSettings(2000, Duration.ofMillis(20), Duration.ofMillis(5), Duration.ofSeconds(5), 5, Duration.ZERO));
        insertInTransactions(1, 40);
        // the source pauses: its extractor sleeps until the backlog shrinks (asleep, not merely checking; so it hands nothing more to
        // store), and then its
        // writer waits for work, having stored everything handed to it before: what the stream holds now is all it gets
        await().atMost(Duration.ofSeconds(30)).until(() -> ExtractionHarness.threadIn("sluice-extract-" + source, "dev.sluice.data.extract.SourceExtractor", "waitWhileBacklogged", true)
                && ExtractionHarness.threadIn("sluice-writer-" + source, ArrayBlockingQueue.class.getName(), "take", true));
        assertThat(harness.messages(consumer).size()).isBetween(6, 19);

        MessageStore messages = new MessageStore(harness.store(), harness.metrics());
        int acked = 0;
        while (acked < 40) {
            List<MessageStore.Delivery> batch = messages.receive(new ConsumerId(consumer), 100, Duration.ofSeconds(30), 10, 1000);
            messages.ack(new ConsumerId(consumer), batch.stream().map(MessageStore.Delivery::ackId).toList());
            acked += batch.size();
            int done = acked;
            await().atMost(Duration.ofSeconds(30)).until(() -> done == 40 || !harness.messages(consumer).isEmpty());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> changesRead() == 40);
    }

    @Test
    void sequenceNumbersGrowInTheOrderBatchesAreStoredWhateverConnectionStoresThem()
    {
        // Order within a group is sequence order: batches stored one after another through different pooled
        // connections must get growing numbers (a cached sequence would hand each connection its own range).
        try (Handle first = harness.store().jdbi().open(); Handle second = harness.store().jdbi().open()) {
            first.execute("insert into source_state (source_id) values (?) on conflict do nothing", source);
            long lsn = 1;
            for (Handle handle : List.of(first, second, first, second, first)) {
                long n = lsn;
                handle.useTransaction(transaction -> StreamAppender.append(transaction, new SourceId(source),
                        List.of(new NewMessage(new ConsumerId(consumer), "[1]", "update", "public", "items", "{\"id\": 1, \"n\": " + n + "}",
                                Optional.empty(), Optional.empty(), n, Instant.now(), 0)), DeliveryCounters.of(harness.store())));
                lsn++;
            }
        }
        assertThat(harness.messages(consumer)).extracting(message -> message.record().path("n").asInt()).containsExactly(1, 2, 3, 4, 5);
    }

    private void insertInTransactions(int from, int to)
    {
        IntStream.rangeClosed(from, to).forEach(id -> harness.sourceSql("insert into items values (" + id + ", 'item " + id + "')"));
    }

    private void assertExactlyOnce(int count)
    {
        List<StreamedMessage> messages = harness.awaitMessages(consumer, count);
        assertThat(messages).extracting(message -> message.record().path("id").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, count).boxed().toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> changesRead() == count);
    }

    /** Changes the store counted as read: a batch written twice, even if deduplicated, would count twice. */
    private long changesRead()
    {
        return harness.store().withHandle(handle -> handle.createQuery("select changes_read from source_state where source_id = :id")
                .bind("id", source).mapTo(Long.class).one());
    }

    /** The lease's epoch, held or not. */
    private long epoch()
    {
        return harness.store().withHandle(handle -> handle.createQuery("select epoch from leases where unit = :unit")
                .bind("unit", Lease.extractUnit(new SourceId(source))).mapTo(Long.class).one());
    }

    private Optional<String> holderOwner()
    {
        return harness.store().onDemand(LeaseDao.class).holder(Lease.extractUnit(new SourceId(source))).map(Lease::owner);
    }

    private Lease holder()
    {
        return harness.store().onDemand(LeaseDao.class).holder(Lease.extractUnit(new SourceId(source))).orElseThrow(() -> new AssertionError("nobody holds the source: "
                + harness.store().withHandle(handle -> handle.createQuery("select unit || ' ' || coalesce(owner, '-') || ' ' || epoch || ' ' || coalesce((expires_at - now())::text, '-') from leases").mapTo(String.class).list())));
    }

    private long activeWalSenders()
    {
        return harness.sourceLong("select count(*) from pg_replication_slots where active");
    }

    /** Crashes the first batch of changes with a checkpoint, before or after its store commit. */
    private static final class CrashOnce
            implements CrashPoints
    {
        private final boolean beforeCommit;
        private final AtomicBoolean crashed = new AtomicBoolean();

        CrashOnce(boolean beforeCommit)
        {
            this.beforeCommit = beforeCommit;
        }

        boolean crashed()
        {
            return crashed.get();
        }

        @Override
        public void beforeStoreCommit(Optional<Lsn> checkpoint, int changes)
        {
            if (beforeCommit && checkpoint.isPresent() && changes > 0 && crashed.compareAndSet(false, true)) {
                throw new SimulatedCrash("simulated crash after decoding, before the store commit");
            }
        }

        @Override
        public void afterStoreCommit(Lsn checkpoint, int changes)
        {
            if (!beforeCommit && changes > 0 && crashed.compareAndSet(false, true)) {
                throw new SimulatedCrash("simulated crash after the store commit, before confirming " + checkpoint);
            }
        }
    }
}
