package dev.sluice.data;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.core.net.WebhookTargets;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.data.deliver.PushDeliverer;
import dev.sluice.data.deliver.WebhookClient;
import dev.sluice.data.extract.CrashPoints;
import dev.sluice.data.extract.SourceExtractor;
import dev.sluice.data.lease.HeldLease;
import dev.sluice.data.lease.LeasedWork;
import dev.sluice.data.lease.WorkHealth;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.Store;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.lease.Lease;
import dev.sluice.store.lease.LeaseDao;
import dev.sluice.store.lease.WorkerLoad;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceState;
import dev.sluice.store.source.SourceStateDao;
import dev.sluice.stream.MessageSignals;
import dev.sluice.stream.MessageStore;
import dev.sluice.stream.StreamMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A data-plane worker. On every tick it renews the leases it holds, records itself as live, stops work
 * whose lease it lost, takes over units whose holder stopped renewing them, and claims free units up to its fair
 * share (units divided by live workers). Postgres is the only coordinator.
 *
 * <p>Leases are renewed on connections of their own ({@code leaseStore}), first thing on every tick and in one
 * statement, and the tick never waits for work: a unit whose data transaction hangs cannot make the worker's other
 * leases expire. Units move for balance only when it is worth a pause of the unit: one at a time, from the most
 * loaded worker to one holding at least two fewer that has been live for {@code rebalanceDelay}, and never while the
 * metadata store fails or soon after (when heartbeats are stale and counts mean nothing).
 */
public final class DataPlane
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);
    private static final String EXTRACT_PREFIX = "extract:";
    private static final String DELIVER_PREFIX = "deliver:";
    private static final Duration GAUGE_INTERVAL = Duration.ofSeconds(10);

    private final Store store;
    private final Store leaseStore;
    private final SecretBox secrets;
    private final DataPlaneSettings settings;
    private final Supplier<CrashPoints> crashPoints;
    private final StreamMetrics metrics;
    private final MessageStore messages;
    private final Map<String, Runnable> reported = new HashMap<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** Units asked to stop so they can be handed back for balance; released once their work has ended. */
    private final Set<String> handingBack = ConcurrentHashMap.newKeySet();
    /** When a tick last failed (the metadata store unreachable, say); touched by the tick thread only. */
    private Instant lastTickFailure = Instant.EPOCH;
    /** Units this worker handed back for balance, and when: it does not claim them again itself for {@code rebalanceDelay}. */
    private final Map<String, Instant> handedBack = new HashMap<>();
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
        this(store, store, secrets, settings, metrics, () -> CrashPoints.NONE);
    }

    public DataPlane(Store store, SecretBox secrets, DataPlaneSettings settings, StreamMetrics metrics, Supplier<CrashPoints> crashPoints)
    {
        this(store, store, secrets, settings, metrics, crashPoints);
    }

    /**
     * @param store where the work reads and writes
     * @param leaseStore the same metadata store through connections of its own, for renewing and claiming leases: a pool
     *        that data statements cannot exhaust
     */
    public DataPlane(Store store, Store leaseStore, SecretBox secrets, DataPlaneSettings settings, StreamMetrics metrics, Supplier<CrashPoints> crashPoints)
    {
        this.store = requireNonNull(store, "store is null");
        this.leaseStore = requireNonNull(leaseStore, "leaseStore is null");
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

    // the periodic tasks log their own failures and the executors are shut down on stop: their futures carry nothing to wait for
    @SuppressWarnings("FutureReturnValueIgnored")
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
            SourceId sourceId = new SourceId(unit.substring(EXTRACT_PREFIX.length()));
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
                String kind = consumer.kind().name().toLowerCase(Locale.ROOT);
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
            lastTickFailure = Instant.now();
            LOG.warn("data-plane tick failed: {}", MetadataErrors.describe(e));
        }
    }

    void tick()
    {
        double ttl = settings.leaseTtl().toMillis() / 1000.0;
        LeaseDao leases = leaseStore.onDemand(LeaseDao.class);
        // renewal first, in one statement, before anything that could take longer
        renew(leases, ttl);
        leases.heartbeat(settings.workerId(), ttl);
        leases.createExtractUnitsAcrossAccounts();
        leases.deleteUnneededExtractUnitsAcrossAccounts();
        leases.createDeliverUnitsAcrossAccounts();
        leases.deleteUnneededDeliverUnitsAcrossAccounts();
        // a worker receives units for balance only while it ticks (seen within two ticks), not one paused a moment ago
        List<WorkerLoad> loads = leases.liveWorkerLoads(ttl, settings.rebalanceDelay().toMillis() / 1000.0, 2 * settings.tickInterval().toMillis() / 1000.0);
        int units = leases.countUnits("");
        int live = Math.max(1, loads.size());
        int fairShare = (units + live - 1) / live;
        int before = running.size();
        // failover first, balance later: a unit whose holder stopped renewing it is taken over by whoever sees it first,
        // even above its fair share (a worker that just started, counted in the share, may be slow to take it); a
        // planned move evens the load out afterwards
        for (Lease taken : leases.claimAbandoned(settings.workerId(), settings.maxClaimsPerTick(), ttl)) {
            begin(new HeldLease(taken.unit(), taken.owner(), taken.epoch()));
        }
        if (running.size() < fairShare) {
            Instant now = Instant.now();
            handedBack.values().removeIf(at -> at.isBefore(now.minus(settings.rebalanceDelay())));
            // a unit handed back for balance is for another worker: taking it back at once would only pause it twice
            String[] notThese = handedBack.keySet().toArray(String[]::new);
            for (Lease claimed : leases.claim(settings.workerId(), "", Math.min(fairShare - running.size(), settings.maxClaimsPerTick()), ttl, notThese)) {
                begin(new HeldLease(claimed.unit(), claimed.owner(), claimed.epoch()));
            }
        }
        // expired units still locked by their stalled holder's transaction
        endStuckTransactions(leases, settings.tickInterval().toMillis() / 1000.0);
        if (running.size() == before && running.size() >= fairShare && handingBack.isEmpty() && leases.countUnheld() == 0) {
            // one move at a time, and none while any unit waits for a holder (a move under way, a takeover after a failure).
            // The loads are read again, after that check: a unit this tick released may have been taken by another worker
            // since they were first read, and balancing by those would move a second unit to it
            balance(leases.liveWorkerLoads(ttl, settings.rebalanceDelay().toMillis() / 1000.0, 2 * settings.tickInterval().toMillis() / 1000.0));
        }
    }

    /**
     * Renews every lease whose work still runs, releases those whose work has ended (handed back, or finished), and
     * stops the work of those lost. Never waits for work to stop: the tick must come round again in time.
     */
    private void renew(LeaseDao leases, double ttl)
    {
        List<Running> held = new ArrayList<>();
        for (Running work : List.copyOf(running.values())) {
            HeldLease lease = work.work().lease();
            if (work.future().isDone()) {
                forget(lease);
                leases.release(lease.unit(), lease.owner(), lease.epoch());
                if (handingBack.remove(lease.unit())) {
                    handedBack.put(lease.unit(), Instant.now());
                    LOG.info("worker {} handed back {} to balance the load", settings.workerId(), lease);
                }
            }
            else {
                held.add(work);
            }
        }
        if (held.isEmpty()) {
            return;
        }
        Set<String> renewed = new HashSet<>(leases.renewAll(settings.workerId(),
                held.stream().map(work -> work.work().lease().unit()).toArray(String[]::new),
                held.stream().map(work -> work.work().lease().epoch()).toArray(Long[]::new), ttl));
        for (Running work : held) {
            HeldLease lease = work.work().lease();
            if (!renewed.contains(lease.unit())) {
                LOG.warn("lost lease {}; stopping its work", lease);
                lease.markLost();
                work.work().stop();
                forget(lease);
                handingBack.remove(lease.unit());
            }
        }
    }

    /**
     * Hands one unit back when that makes the load more even by a whole unit: this worker is the most loaded (the first
     * by id among equals, so two workers do not both give one up for the same newcomer) and holds at least two more
     * units than a worker that has been live for {@code rebalanceDelay}. Not while the metadata store fails or soon
     * after (when heartbeats are stale and counts mean nothing): every move pauses its unit, so moves are rare and
     * only worth it.
     */
    private void balance(List<WorkerLoad> loads)
    {
        if (lastTickFailure.isAfter(Instant.now().minus(settings.rebalanceDelay()))) {
            return;
        }
        Optional<WorkerLoad> lightest = loads.stream().filter(WorkerLoad::settled).min(Comparator.comparingInt(WorkerLoad::units));
        Optional<WorkerLoad> heaviest = loads.stream().max(Comparator.comparingInt(WorkerLoad::units).thenComparing(WorkerLoad::worker, Comparator.reverseOrder()));
        if (lightest.isEmpty() || heaviest.isEmpty() || !heaviest.get().worker().equals(settings.workerId())
                || running.size() < lightest.get().units() + 2) {
            return;
        }
        // a push consumer's unit first: it starts again faster than a source's stream
        running.values().stream().filter(work -> !handingBack.contains(work.work().lease().unit()))
                .max(Comparator.comparing((Running work) -> work.work().lease().unit().startsWith(DELIVER_PREFIX)).thenComparing(work -> work.work().lease().unit()))
                .ifPresent(work -> {
                    HeldLease lease = work.work().lease();
                    LOG.info("worker {} hands back {} to balance the load ({} units here, {} at worker {})", settings.workerId(), lease,
                            running.size(), lightest.get().units(), lightest.get().worker());
                    handingBack.add(lease.unit());
                    // released by a later tick once the work has stopped; renewed until then
                    work.work().stop();
                });
    }

    /**
     * A worker that stopped inside a metadata transaction (frozen, partitioned, stopped mid-statement where the
     * idle-in-transaction timeout does not reach) keeps its lease rows locked, so claims skip them though the leases
     * expired. Once a lease has been expired for a tick ({@code graceSeconds}: a live worker renews three times in a
     * lease's life, so its owner missed them all), the transactions its owner opened before then are ended: a stalled
     * worker's transaction holds up the takeover of every unit it holds, and ending it (it rolls back) frees the rows.
     */
    private void endStuckTransactions(LeaseDao leases, double graceSeconds)
    {
        for (String owner : leases.ownersOfLongExpiredLeases(settings.workerId(), graceSeconds)) {
            try {
                int ended = leases.endTransactionsOf(applicationName(owner), graceSeconds);
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
            work = new SourceExtractor(store, secrets, lease, new SourceId(lease.unit().substring(EXTRACT_PREFIX.length())), settings.extractor(), crashPoints.get(), metrics);
        }
        else if (lease.unit().startsWith(DELIVER_PREFIX)) {
            work = new PushDeliverer(store, secrets, lease, new ConsumerId(lease.unit().substring(DELIVER_PREFIX.length())), settings.push(), signals, webhooks, metrics);
        }
        else {
            LOG.warn("unknown unit {}; handing it back", lease.unit());
            leaseStore.onDemand(LeaseDao.class).release(lease.unit(), lease.owner(), lease.epoch());
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
        closeWebhooks();
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
        LeaseDao leases = leaseStore.onDemand(LeaseDao.class);
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
        closeWebhooks();
        try {
            leases.forget(settings.workerId());
        }
        catch (RuntimeException e) {
            LOG.debug("could not remove worker {}: {}", settings.workerId(), e.getMessage());
        }
        LOG.info("data-plane worker {} stopped", settings.workerId());
    }

    private void closeWebhooks()
    {
        try {
            webhooks.close();
        }
        catch (IOException e) {
            LOG.debug("closing webhook connections failed: {}", e.getMessage());
        }
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
