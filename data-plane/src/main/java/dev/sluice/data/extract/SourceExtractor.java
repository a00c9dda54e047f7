package dev.sluice.data.extract;

import dev.sluice.core.Lsn;
import dev.sluice.core.id.SourceId;
import dev.sluice.core.retry.Backoff;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.data.backfill.BackfillChunk;
import dev.sluice.data.backfill.StreamedTransactions;
import dev.sluice.data.extract.pgoutput.PgOutputMessage;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Begin;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Relation;
import dev.sluice.data.extract.pgoutput.PgTypeCatalog;
import dev.sluice.data.extract.pgoutput.RelationCache;
import dev.sluice.data.extract.pgoutput.TupleConverter;
import dev.sluice.data.extract.pgoutput.ValueConverter;
import dev.sluice.data.extract.replication.ReplicationConnection;
import dev.sluice.data.extract.replication.ReplicationStream;
import dev.sluice.data.extract.replication.StreamOptions;
import dev.sluice.data.lease.FailureTracker;
import dev.sluice.data.lease.HeldLease;
import dev.sluice.data.lease.LeaseLostException;
import dev.sluice.data.lease.LeasedWork;
import dev.sluice.data.lease.WorkHealth;
import dev.sluice.source.SourceAdmin;
import dev.sluice.source.SourceConnection;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.Store;
import dev.sluice.store.backfill.BackfillDao;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceState;
import dev.sluice.store.source.SourceStateDao;
import dev.sluice.stream.DeliveryCounters;
import dev.sluice.stream.NewMessage;
import dev.sluice.stream.StreamAppender;
import dev.sluice.stream.StreamMetrics;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * Streams one source's WAL into its consumers' streams while this worker holds the source's lease.
 *
 * <p>Exactly once into the store: the messages of a batch of committed transactions and the checkpoint
 * (the end LSN of the batch's last commit) are written in one store transaction fenced by the lease; the
 * LSN is confirmed to the source only after that commit. After a restart, transactions whose commit lies
 * before the checkpoint are skipped, and a transaction stored in parts (too large for one batch) is
 * written again without duplicates because every message is keyed by its change's commit LSN and index.
 */
public final class SourceExtractor
        implements LeasedWork
{
    private static final Logger LOG = LoggerFactory.getLogger(SourceExtractor.class);
    private static final Duration STATUS_INTERVAL = Duration.ofSeconds(5);
    /**
     * How often the source is asked for its slot's lag, and how long it has to answer: a source that stops answering (down,
     * or cut off by the network without the connection closing, which the replication stream alone would notice only when
     * TCP gives up) fails the stream within about three seconds, and it reconnects.
     */
    private static final Duration LIVENESS_INTERVAL = Duration.ofSeconds(1);
    private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BACKFILL_POLL = Duration.ofMillis(500);
    private static final Duration SLOT_LOST_RECHECK = Duration.ofSeconds(5);
    /**
     * Between attempts to stream again after a failure: 0.5 s doubling to 4 s, with jitter. A source that restarts is
     * streamed again within a few seconds of accepting connections; an attempt every few seconds costs it nothing.
     */
    private static final Backoff RESTART_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(4));
    private static final long MIN_IDLE_NANOS = 50_000;
    /** Decoded transactions remembered for backfill snapshots: far more than can be committed yet invisible at once. */
    private static final int STREAMED_TRANSACTIONS = 4096;

    private final Store store;
    private final SecretBox secrets;
    private final HeldLease lease;
    private final SourceId sourceId;
    private final ExtractorSettings settings;
    private final CrashPoints crashPoints;
    private final StreamMetrics metrics;
    private final FailureTracker failures = new FailureTracker();
    /** Converts values with the source's own types (domains as their base type): set once the source is connected. */
    private TupleConverter tuples = new TupleConverter(new ValueConverter());
    private final Map<String, List<String>> primaryKeys = new HashMap<>();
    /** How many writes may wait for the writer while it writes one and the stream thread fills the next. */
    private static final int PIPELINE_DEPTH = 1;
    private volatile boolean stopped;
    private volatile OptionalLong slotLag = OptionalLong.empty();
    private final AtomicBoolean statusWriteInFlight = new AtomicBoolean();

    private SourceAdmin admin;
    private ReplicationConnection replication;
    private ReplicationStream stream;
    private Lsn checkpoint = Lsn.INVALID;
    private CheckpointedWriter writer;
    /** The transaction stored in part before a restart, and the index of its first change not stored yet. */
    private Lsn partialLsn = Lsn.INVALID;
    private int partialIndex;
    private BackfillChunk chunk;
    private Instant lastBackfillCheck = Instant.EPOCH;

    public SourceExtractor(Store store, SecretBox secrets, HeldLease lease, SourceId sourceId, ExtractorSettings settings, CrashPoints crashPoints,
            StreamMetrics metrics)
    {
        this.store = requireNonNull(store, "store is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.lease = requireNonNull(lease, "lease is null");
        this.sourceId = requireNonNull(sourceId, "sourceId is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.crashPoints = requireNonNull(crashPoints, "crashPoints is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    @Override
    public WorkHealth health()
    {
        return new WorkHealth(lease.unit(), failures.failingSince(), failures.lastError(), slotLag);
    }

    @Override
    public HeldLease lease()
    {
        return lease;
    }

    /** Asks the extractor to stop at its next step; what it stored stays stored, what it did not is read again by the next holder. */
    @Override
    public void stop()
    {
        stopped = true;
    }

    private boolean running()
    {
        return !stopped && !lease.isLost() && !Thread.currentThread().isInterrupted();
    }

    @Override
    public void run()
    {
        int failed = 0;
        while (running()) {
            try {
                stream();
                return;
            }
            catch (LeaseLostException e) {
                LOG.info("stopped streaming source {}: {}", sourceId, e.getMessage());
                return;
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (CrashPoints.SimulatedCrash e) {
                LOG.info("source {}: {}", sourceId, e.getMessage());
                return;
            }
            catch (SlotLostException e) {
                if (!running()) {
                    return;
                }
                if (failures.failingSince().isEmpty()) {
                    LOG.error("source {} cannot stream: {}", sourceId, e.getMessage());
                }
                failures.failed(e.getMessage());
                try {
                    store.useHandle(handle -> handle.attach(SourceStateDao.class).slotLost(sourceId, e.getMessage()));
                }
                catch (RuntimeException stateNotStored) {
                    LOG.debug("cannot record the lost slot of source {}: {}", sourceId, stateNotStored.getMessage());
                }
                // nothing streams until the slot is reset; look again soon so a reset takes effect quickly
                sleep(SLOT_LOST_RECHECK);
            }
            catch (Exception e) {
                if (!running()) {
                    return;
                }
                String message = describe(e);
                Duration backoff = RESTART_BACKOFF.delay(++failed);
                LOG.warn("streaming source {} failed, retrying in {} ms: {}", sourceId, backoff.toMillis(), message);
                failures.failed(message);
                recordFailure(message);
                sleep(backoff);
            }
            finally {
                closeQuietly();
            }
        }
    }

    private void stream()
            throws SQLException, InterruptedException
    {
        Optional<Source> found = store.onDemand(DataPlaneDao.class).sourceAcrossAccounts(sourceId);
        if (found.isEmpty()) {
            lease.markLost();
            return;
        }
        Source source = found.get();
        MDC.put("account", source.accountId().value());
        MDC.put("source", sourceId.value());
        SourceConnection connection = new SourceConnection(source.host(), source.port(), source.database(), source.username(),
                secrets.decrypt(source.passwordEncrypted()), source.sslMode(), source.publicationName(), source.slotName(),
                source.managePublication(), source.manageSlot());
        admin = SourceAdmin.connect(connection, settings.connectTimeout());
        // the catalog reads over the admin connection, which only this (the stream) thread uses
        tuples = new TupleConverter(new ValueConverter(new PgTypeCatalog(admin.connection())));
        admin.ensurePublished(List.of());
        store.useHandle(handle -> handle.attach(SourceStateDao.class).ensure(sourceId));
        SourceState state = store.onDemand(SourceStateDao.class).find(sourceId).orElseThrow();
        checkpoint = state.checkpoint();
        store.useHandle(handle -> handle.createQuery("select partial_lsn, partial_index from source_state where source_id = :sourceId")
                .bind("sourceId", sourceId).map((rs, ctx) -> {
                    long lsn = rs.getLong("partial_lsn");
                    partialLsn = rs.wasNull() ? Lsn.INVALID : Lsn.valueOf(lsn);
                    partialIndex = rs.getInt("partial_index");
                    return lsn;
                }).one());
        checkSlot(source, admin.slotCondition(), state.checkpoint().isValid());
        if (!admin.ensureSlot()) {
            throw new IllegalStateException("replication slot " + source.slotName() + " does not exist and Sluice may not create it");
        }
        stream = openStream(connection, source);
        writer = new CheckpointedWriter(store, lease, sourceId, crashPoints, metrics, PIPELINE_DEPTH);
        chunk = null;
        store.useHandle(handle -> handle.attach(SourceStateDao.class).setState(sourceId, "streaming", lease.owner()));
        failures.succeeded();
        LOG.info("streaming source {} from {} (lease {})", sourceId, checkpoint, lease);
        loop();
    }

    /**
     * A slot the server invalidated, or one that vanished after the source streamed from it, cannot give the changes
     * since the checkpoint: creating a new one silently would skip them, so the source stops until a reset.
     */
    private void checkSlot(Source source, SourceAdmin.SlotCondition slot, boolean streamedBefore)
    {
        String recovery = "; changes committed since " + checkpoint + " cannot be streamed. POST /v1/sources/" + sourceId
                + "/reset-slot re-creates the slot" + (source.manageSlot() ? "" : " (once you have created it again on the source)")
                + " and backfills every consumer of the source";
        if (slot == SourceAdmin.SlotCondition.LOST) {
            throw new SlotLostException("replication slot " + source.slotName() + " was invalidated by the source (it removed WAL the slot "
                    + "still needed; see max_slot_wal_keep_size)" + recovery);
        }
        if (slot == SourceAdmin.SlotCondition.MISSING && streamedBefore) {
            throw new SlotLostException("replication slot " + source.slotName() + " no longer exists on the source" + recovery);
        }
    }

    /** The source's replication slot cannot stream from the checkpoint. */
    static final class SlotLostException
            extends RuntimeException
    {
        SlotLostException(String message)
        {
            super(message);
        }
    }

    private ReplicationStream openStream(SourceConnection connection, Source source)
            throws SQLException
    {
        for (int attempt = 0; ; attempt++) {
            replication = ReplicationConnection.open(connection.jdbcUrl(), connection.username(), connection.password(), connection.sslMode());
            try {
                return replication.startStream(StreamOptions.of(source.slotName(), source.publicationName(), checkpoint));
            }
            catch (SQLException e) {
                replication.close();
                replication = null;
                // 55006: the slot is still held by a previous holder (paused or partitioned); this worker holds the lease now
                if ("55006".equals(e.getSQLState()) && attempt < 5) {
                    LOG.info("slot {} is held by another connection; ending it", source.slotName());
                    admin.terminateSlotHolder();
                    sleep(Duration.ofMillis(200L * (attempt + 1)));
                    continue;
                }
                throw e;
            }
        }
    }

    private void loop()
            throws SQLException, InterruptedException
    {
        RelationCache relations = new RelationCache();
        // what a backfill chunk's snapshot must see: the transactions decoded before the chunk starts
        StreamedTransactions streamed = new StreamedTransactions(STREAMED_TRANSACTIONS);
        CommittedBatch batch = new CommittedBatch();
        TransactionAssembler assembler = new TransactionAssembler(tuples, checkpoint, partialLsn, partialIndex);
        Instant lastStatus = Instant.EPOCH;
        Instant lastProbe = Instant.EPOCH;
        Instant lastBacklogCheck = Instant.EPOCH;
        long idleNanos = 0;
        while (running()) {
            writer.throwIfFailed();
            // checkpoint-before-confirm: only what the writer has committed may leave the source's WAL
            stream.confirm(writer.durable());
            if (!assembler.inTransaction() && Duration.between(lastBacklogCheck, Instant.now()).compareTo(settings.backlogCheckInterval()) >= 0) {
                lastBacklogCheck = Instant.now();
                // backpressure: a consumer that does not keep up pauses its source, here between transactions, rather
                // than letting the store grow without bound; the slot keeps the WAL meanwhile
                waitWhileBacklogged();
            }
            if (!assembler.inTransaction() && batch.isEmpty() && chunk == null && Duration.between(lastBackfillCheck, Instant.now()).compareTo(BACKFILL_POLL) >= 0) {
                lastBackfillCheck = Instant.now();
                if (store.onDemand(BackfillDao.class).nextForSourceAcrossAccounts(sourceId).isPresent()) {
                    // a chunk starts from the backfill's stored cursor: every chunk before it must have committed
                    writer.drain();
                    chunk = BackfillChunk.start(store, admin, sourceId, lease, settings.backfillChunkRows(), streamed).orElse(null);
                }
            }
            if (Duration.between(lastProbe, Instant.now()).compareTo(LIVENESS_INTERVAL) >= 0) {
                lastProbe = Instant.now();
                // under load as well as when idle: a growing lag is what operators must see, stored every STATUS_INTERVAL
                boolean report = Duration.between(lastStatus, lastProbe).compareTo(STATUS_INTERVAL) >= 0;
                if (report) {
                    lastStatus = lastProbe;
                }
                probeSource(report);
            }
            Optional<PgOutputMessage> next = stream.readPending();
            if (next.isEmpty()) {
                // nothing buffered yet is not the end of the WAL: the batch fills until it is full or batchDelay old,
                // so a stream that is catching up is stored in large transactions, not one per read
                if (batch.isDue(settings.batchMessages(), settings.batchDelay(), writer.ready())) {
                    flushBatch(batch);
                }
                else {
                    if (!assembler.inTransaction() && batch.isEmpty() && writer.idle()) {
                        // everything received is stored (or was nothing to store): the server's keepalive position may
                        // be confirmed, so an idle slot does not hold WAL (automatic flushing is off in the driver)
                        stream.confirm(stream.lastReceivedLsn());
                    }
                    idleNanos = Math.min(idleNanos == 0 ? MIN_IDLE_NANOS : idleNanos * 2, settings.idlePoll().toNanos());
                    LockSupport.parkNanos(idleNanos);
                }
                continue;
            }
            idleNanos = 0;
            PgOutputMessage message = next.get();
            relations.accept(message);
            if (chunk != null) {
                chunk.observe(message, relations);
            }
            if (chunk != null && chunk.isHighWatermark(message, relations)) {
                flushBatch(batch);
                BackfillChunk finished = chunk;
                chunk = null;
                // read messages are named by the watermark's position: the message's own LSN, or the watermark row's transaction
                Lsn position = message instanceof PgOutputMessage.LogicalMessage logical ? logical.lsn() : assembler.begin().finalLsn();
                submitBackfill(finished, position);
                lastBackfillCheck = Instant.EPOCH;
                continue;
            }
            if (message instanceof Relation relation) {
                primaryKeys.remove(relation.schema() + "." + relation.table());
            }
            else if (message instanceof Begin started) {
                streamed.add(started.xid());
            }
            Optional<TransactionAssembler.Committed> committed = assembler.accept(message, relations);
            if (committed.isPresent()) {
                if (!committed.get().storedBefore()) {
                    batch.add(committed.get().changes(), committed.get().end());
                }
                if (batch.isDue(settings.batchMessages(), settings.batchDelay(), writer.ready())) {
                    flushBatch(batch);
                }
            }
            if (assembler.size() >= settings.batchMessages()) {
                // a transaction larger than a batch is stored in parts, without moving the checkpoint; memory stays bounded
                flushBatch(batch);
                List<Change> part = assembler.takePart();
                writer.submitChanges(part, Optional.empty(), Optional.of(assembler.begin().finalLsn()), assembler.nextIndex(), primaryKeysOf(part));
            }
        }
    }

    private void waitWhileBacklogged()
            throws SQLException
    {
        boolean logged = false;
        while (running() && backlogged()) {
            if (!logged) {
                LOG.warn("source {} paused: a consumer has more than {} messages waiting", sourceId, settings.maxBacklog());
                logged = true;
            }
            stream.sendStatus();
            sleep(settings.backlogCheckInterval().compareTo(Duration.ofSeconds(1)) < 0 ? settings.backlogCheckInterval() : Duration.ofSeconds(1));
        }
        if (logged) {
            LOG.info("source {} resumed", sourceId);
        }
    }

    private boolean backlogged()
    {
        return store.withHandle(handle -> {
            return handle.attach(DataPlaneDao.class).consumersOfSourceAcrossAccounts(sourceId).stream()
                    .anyMatch(consumer -> StreamAppender.backlogAbove(handle, consumer.id(), settings.maxBacklog()));
        });
    }

    /** Hands the batch's transactions with their checkpoint to the writer, if it has any. */
    private void flushBatch(CommittedBatch batch)
            throws InterruptedException
    {
        if (batch.isEmpty()) {
            return;
        }
        writer.submitChanges(batch.changes, Optional.of(batch.end), Optional.empty(), 0, primaryKeysOf(batch.changes));
        batch.clear();
    }

    private void submitBackfill(BackfillChunk finished, Lsn position)
            throws InterruptedException
    {
        String table = finished.table().schema() + "." + finished.table().table();
        Map<String, List<String>> keys = Map.of(table, primaryKey(finished.table().schema(), finished.table().table()));
        ChangeRouter router = new ChangeRouter((schema, name) -> keys.get(schema + "." + name));
        writer.submit(new CheckpointedWriter.Write()
        {
            @Override
            public Optional<Lsn> checkpoint()
            {
                return Optional.empty();
            }

            @Override
            public int changes()
            {
                return finished.rowsRead();
            }

            @Override
            public List<NewMessage> write(Handle handle)
            {
                return finished.finish(handle, position, router, DeliveryCounters.of(store));
            }
        });
    }

    /**
     * The primary keys of the tables the changes touch, read here on the stream thread (the source connection is
     * not shared with the writer) and handed over as an immutable map.
     */
    private BiFunction<String, String, List<String>> primaryKeysOf(List<Change> changes)
    {
        Map<String, List<String>> keys = new HashMap<>();
        for (Change change : changes) {
            keys.computeIfAbsent(change.schema() + "." + change.table(), key -> primaryKey(change.schema(), change.table()));
        }
        Map<String, List<String>> snapshot = Map.copyOf(keys);
        return (schema, table) -> snapshot.get(schema + "." + table);
    }

    /** Committed transactions read but not stored yet, and the end LSN of the last. */
    private static final class CommittedBatch
    {
        private final List<Change> changes = new ArrayList<>();
        private Lsn end;
        private Instant started;

        void add(List<Change> transaction, Lsn commitEnd)
        {
            changes.addAll(transaction);
            end = commitEnd;
            if (started == null) {
                started = Instant.now();
            }
        }

        boolean isEmpty()
        {
            return end == null;
        }

        /**
         * A batch goes to the writer when it is full, or when it is {@code maxDelay} old and the writer is ready for it. While the
         * writer is still busy with the batch before, this one keeps growing (up to full): a store that is slower than the WAL
         * gets fewer, larger transactions instead of a queue of small ones, and the per-transaction cost is paid less often.
         */
        boolean isDue(int maxChanges, Duration maxDelay, boolean writerReady)
        {
            if (isEmpty()) {
                return false;
            }
            return changes.size() >= maxChanges || (writerReady && Duration.between(started, Instant.now()).compareTo(maxDelay) >= 0);
        }

        void clear()
        {
            changes.clear();
            end = null;
            started = null;
        }
    }

    private List<String> primaryKey(String schema, String table)
    {
        return primaryKeys.computeIfAbsent(schema + "." + table, key -> {
            try {
                return admin.primaryKey(schema, table);
            }
            catch (SQLException e) {
                throw new IllegalStateException("cannot read the primary key of " + key + ": " + e.getMessage(), e);
            }
        });
    }

    /** Reads the slot's lag from the source within {@link #LIVENESS_TIMEOUT}, failing the stream if it does not answer; stores it when {@code report}. */
    private void probeSource(boolean report)
            throws SQLException
    {
        Optional<Long> lag;
        try {
            lag = admin.slotLagBytes(LIVENESS_TIMEOUT);
        }
        catch (SQLException e) {
            throw new SQLException("source did not answer within " + LIVENESS_TIMEOUT.toSeconds() + " s: " + e.getMessage(), e.getSQLState(), e);
        }
        slotLag = lag.map(OptionalLong::of).orElse(OptionalLong.empty());
        lag.ifPresent(bytes -> metrics.slotLag(sourceId, bytes));
        if (!report) {
            return;
        }
        // written beside the stream, not by it: the update waits for the writer's transaction, which holds the source's state
        // row until it commits, and the stream thread must not wait for a commit it is meant to overlap
        if (!statusWriteInFlight.compareAndSet(false, true)) {
            return;
        }
        Thread status = new Thread(() -> {
            try {
                store.useHandle(handle -> handle.attach(SourceStateDao.class).setSlotLag(sourceId, lag.orElse(null)));
            }
            catch (RuntimeException e) {
                LOG.debug("cannot store the slot lag of source {}: {}", sourceId, e.getMessage());
            }
            finally {
                statusWriteInFlight.set(false);
            }
        }, "sluice-status-" + sourceId);
        status.setDaemon(true);
        status.start();
    }

    private void recordFailure(String message)
    {
        try {
            store.useHandle(handle -> handle.attach(SourceStateDao.class).fail(sourceId, message));
        }
        catch (RuntimeException e) {
            LOG.debug("cannot record the failure of source {}: {}", sourceId, e.getMessage());
        }
    }

    private static String describe(Exception e)
    {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 1000 ? message.substring(0, 1000) : message;
    }

    private void closeQuietly()
    {
        if (writer != null) {
            writer.close();
            writer = null;
        }
        close(stream, "stream");
        stream = null;
        close(replication, "replication connection");
        replication = null;
        close(admin, "admin connection");
        admin = null;
    }

    private void close(AutoCloseable resource, String what)
    {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        }
        catch (Exception e) {
            LOG.debug("closing the {} of source {}: {}", what, sourceId, e.getMessage());
        }
    }

    private static void sleep(Duration duration)
    {
        Backoff.pause(duration);
    }
}
