package dev.sluice.data;

import dev.sluice.core.secret.SecretBox;
import dev.sluice.data.extract.CrashPoints;
import dev.sluice.core.net.WebhookTargets;
import dev.sluice.data.deliver.PushDeliverer;
import dev.sluice.data.deliver.WebhookClient;
import dev.sluice.data.extract.SourceExtractor;
import dev.sluice.data.lease.LeasedWork;
import dev.sluice.stream.MessageSignals;
import dev.sluice.data.lease.HeldLease;
import dev.sluice.data.lease.WorkHealth;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.Store;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.stream.MessageStore;
import dev.sluice.stream.StreamMetrics;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceState;
import dev.sluice.store.source.SourceStateDao;
import dev.sluice.store.lease.Lease;
import dev.sluice.store.lease.LeaseDao;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A data-plane worker. On every tick it records itself as live, renews the leases it holds, stops work
 * whose lease it lost, and claims free or expired units up to its fair share (units divided by live
 * workers), handing back units above it so that added workers get work. Postgres is the only coordinator.
 */
public final class DataPlane
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);
    private static final String EXTRACT_PREFIX = "extract:";
    private static final String DELIVER_PREFIX = "deliver:";
    private static final Duration GAUGE_INTERVAL = Duration.ofSeconds(10);

    private final Store store;
    private final SecretBox secrets;
    private final DataPlaneSettings settings;
    private final Supplier<CrashPoints> crashPoints;
    private final StreamMetrics metrics;
    private final MessageStore messages;
    private final Map<String, Runnable> reported = new HashMap<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final MessageSignals signals;
    private final WebhookClient webhooks;
    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable);
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sluice-data-plane-tick");
        thread.setDaemon(true);
        return thread;
    });
    // gauges read from the store on a thread of their own: a slow count must never delay lease renewal
    private final ScheduledExecutorService gauges = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sluice-data-plane-gauges");
        thread.setDaemon(true);
        return thread;
    });

    public DataPlane(Store store, SecretBox secrets, DataPlaneSettings settings, StreamMetrics metrics)
    {
        this(store, secrets, settings, metrics, () -> CrashPoints.NONE);
    }

    public DataPlane(Store store, SecretBox secrets, DataPlaneSettings settings, StreamMetrics metrics, Supplier<CrashPoints> crashPoints)
    {
        this.store = requireNonNull(store, "store is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.crashPoints = requireNonNull(crashPoints, "crashPoints is null");
        this.messages = new MessageStore(store, metrics);
        this.signals = new MessageSignals(store.dataSource());
        this.webhooks = new WebhookClient(new WebhookTargets(settings.push().allowPrivateTargets()), settings.push().requestTimeout());
    }

    public String workerId()
    {
        return settings.workerId();
    }

    public void start()
    {
        LOG.info("data-plane worker {} starting", settings.workerId());
        signals.start();
        ticker.scheduleWithFixedDelay(this::tickSafely, 0, settings.tickInterval().toMillis(), TimeUnit.MILLISECONDS);
        gauges.scheduleWithFixedDelay(this::refreshGaugesSafely, 0, GAUGE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How each piece of work this worker holds is doing. */
    public List<WorkHealth> health()
    {
        return running.values().stream().map(work -> work.work().health()).toList();
    }

    private void refreshGaugesSafely()
    {
        try {
            refreshGauges();
        }
        catch (RuntimeException e) {
            LOG.debug("cannot refresh gauges: {}", e.getMessage());
        }
    }

    /**
     * Exports the store's view of each source this worker streams and of its consumers: the lease holder is the one
     * process reporting them, so series never come twice. Those no longer held are dropped.
     */
    void refreshGauges()
    {
        Map<String, Runnable> current = new HashMap<>();
        DataPlaneDao dao = store.onDemand(DataPlaneDao.class);
        for (String unit : units()) {
            if (!unit.startsWith(EXTRACT_PREFIX)) {
                continue;
            }
            String sourceId = unit.substring(EXTRACT_PREFIX.length());
            Optional<Source> source = dao.sourceAcrossAccounts(sourceId);
            if (source.isEmpty()) {
                continue;
            }
            String accountId = source.get().accountId().value();
            String state = store.onDemand(SourceStateDao.class).find(sourceId).map(SourceState::state).orElse("idle");
            metrics.source(sourceId, accountId, state);
            current.put("source:" + sourceId, () -> metrics.forgetSource(sourceId, accountId));
            for (Consumer consumer : dao.consumersOfSourceAcrossAccounts(sourceId)) {
                MessageStore.Counts counts = messages.counts(consumer.id());
                String kind = consumer.kind().name().toLowerCase(java.util.Locale.ROOT);
                metrics.consumer(consumer.id(), accountId, sourceId, kind, counts.backlog(), counts.inFlight(), counts.deadLetters());
                current.put("consumer:" + consumer.id(), () -> metrics.forgetConsumer(consumer.id(), accountId, sourceId, kind));
            }
        }
        synchronized (reported) {
            reported.forEach((key, forget) -> {
                if (!current.containsKey(key)) {
                    forget.run();
                }
            });
            reported.clear();
            reported.putAll(current);
        }
    }

    /** The units this worker is working on. */
    public List<String> units()
    {
        return running.keySet().stream().sorted().toList();
    }

    private void tickSafely()
    {
        try {
            tick();
        }
        catch (RuntimeException e) {
            LOG.warn("data-plane tick failed: {}", e.getMessage());
        }
    }

    void tick()
    {
        double ttl = settings.leaseTtl().toMillis() / 1000.0;
        LeaseDao leases = store.onDemand(LeaseDao.class);
        leases.heartbeat(settings.workerId());
        leases.createExtractUnitsAcrossAccounts();
        leases.deleteUnneededExtractUnitsAcrossAccounts();
        leases.createDeliverUnitsAcrossAccounts();
        leases.deleteUnneededDeliverUnitsAcrossAccounts();
        for (Running work : List.copyOf(running.values())) {
            HeldLease lease = work.work().lease();
            if (work.future().isDone()) {
                forget(lease);
                leases.release(lease.unit(), lease.owner(), lease.epoch());
            }
            else if (leases.renew(lease.unit(), lease.owner(), lease.epoch(), ttl) == 0) {
                LOG.warn("lost lease {}; stopping its work", lease);
                lease.markLost();
                work.work().stop();
                forget(lease);
            }
        }
        int units = leases.countUnits("");
        int live = Math.max(1, leases.liveWorkers(ttl));
        int fairShare = (units + live - 1) / live;
        if (running.size() > fairShare) {
            handBack(running.size() - fairShare, leases);
        }
        else if (running.size() < fairShare) {
            for (Lease claimed : leases.claim(settings.workerId(), "", Math.min(fairShare - running.size(), settings.maxClaimsPerTick()), ttl)) {
                begin(new HeldLease(claimed.unit(), claimed.owner(), claimed.epoch()));
            }
            if (running.size() < fairShare) {
                endStuckTransactions(leases, ttl);
            }
        }
    }

    /**
     * A worker that stopped inside a metadata transaction (frozen, partitioned, stopped mid-statement where the
     * idle-in-transaction timeout does not reach) keeps its lease rows locked, so claims skip them though the leases
     * expired. Once a lease has been expired for another lease's time, the transactions its owner opened before then
     * are ended: they could not commit anyway (the fence refuses an expired lease), and ending them frees the rows.
     */
    private void endStuckTransactions(LeaseDao leases, double ttl)
    {
        for (String owner : leases.ownersOfLongExpiredLeases(settings.workerId(), ttl)) {
            try {
                int ended = leases.endTransactionsOf(applicationName(owner), ttl);
                if (ended > 0) {
                    LOG.warn("ended {} metadata transaction(s) of worker {}, whose leases expired, so its units can be taken over", ended, owner);
                }
            }
            catch (RuntimeException e) {
                LOG.warn("cannot end the metadata transactions of worker {}, whose leases expired: {}", owner, e.getMessage());
            }
        }
    }

    /** The application name of a process's metadata sessions: for a worker, its id (so its transactions can be found). */
    public static String applicationName(String workerId)
    {
        return "sluice " + workerId;
    }

    private void begin(HeldLease lease)
    {
        LeasedWork work;
        if (lease.unit().startsWith(EXTRACT_PREFIX)) {
            work = new SourceExtractor(store, secrets, lease, lease.unit().substring(EXTRACT_PREFIX.length()), settings.extractor(), crashPoints.get(), metrics);
        }
        else if (lease.unit().startsWith(DELIVER_PREFIX)) {
            work = new PushDeliverer(store, secrets, lease, lease.unit().substring(DELIVER_PREFIX.length()), settings.push(), signals, webhooks, metrics);
        }
        else {
            LOG.warn("unknown unit {}; handing it back", lease.unit());
            store.onDemand(LeaseDao.class).release(lease.unit(), lease.owner(), lease.epoch());
            return;
        }
        LOG.info("worker {} took {}", settings.workerId(), lease);
        Future<?> future = workers.submit(() -> {
            Thread.currentThread().setName("sluice-" + lease.unit().replace(':', '-'));
            MDC.put("unit", lease.unit());
            try {
                work.run();
            }
            finally {
                MDC.clear();
            }
        });
        running.put(lease.unit(), new Running(work, future));
        metrics.leaseHeld(settings.workerId(), lease.unit(), true);
    }

    private void forget(HeldLease lease)
    {
        running.remove(lease.unit());
        metrics.leaseHeld(settings.workerId(), lease.unit(), false);
    }

    private void handBack(int count, LeaseDao leases)
    {
        running.values().stream().sorted((a, b) -> b.work().lease().unit().compareTo(a.work().lease().unit())).limit(count).toList()
                .forEach(work -> {
                    HeldLease lease = work.work().lease();
                    work.work().stop();
                    await(work.future());
                    forget(lease);
                    leases.release(lease.unit(), lease.owner(), lease.epoch());
                    LOG.info("worker {} handed back {} to balance the load", settings.workerId(), lease);
                });
    }

    /** Stops renewing and claiming, as a paused process would; work in progress is left as it is. */
    void freeze()
    {
        ticker.shutdownNow();
    }

    /** Stops everything as if the process died: nothing is released, so leases must expire before others take over. */
    void halt()
    {
        ticker.shutdownNow();
        gauges.shutdownNow();
        running.values().forEach(work -> {
            work.work().stop();
            work.future().cancel(true);
        });
        running.values().forEach(work -> await(work.future()));
        running.keySet().forEach(unit -> metrics.leaseHeld(settings.workerId(), unit, false));
        running.clear();
        workers.shutdownNow();
        signals.close();
    }

    /** Stops every piece of work, then hands its leases back so other workers take over at once. */
    @Override
    public void close()
    {
        ticker.shutdownNow();
        gauges.shutdownNow();
        try {
            ticker.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.values().forEach(work -> work.work().stop());
        LeaseDao leases = store.onDemand(LeaseDao.class);
        for (Running work : running.values()) {
            await(work.future());
            HeldLease lease = work.work().lease();
            try {
                leases.release(lease.unit(), lease.owner(), lease.epoch());
            }
            catch (RuntimeException e) {
                LOG.warn("could not release {}: {}", lease, e.getMessage());
            }
        }
        running.keySet().forEach(unit -> metrics.leaseHeld(settings.workerId(), unit, false));
        running.clear();
        workers.shutdownNow();
        signals.close();
        try {
            leases.forget(settings.workerId());
        }
        catch (RuntimeException e) {
            LOG.debug("could not remove worker {}: {}", settings.workerId(), e.getMessage());
        }
        LOG.info("data-plane worker {} stopped", settings.workerId());
    }

    private static void await(Future<?> future)
    {
        try {
            future.get(30, TimeUnit.SECONDS);
        }
        catch (Exception e) {
            future.cancel(true);
        }
    }

    private record Running(LeasedWork work, Future<?> future) {}
}
