package dev.sluice.data.extract;

import dev.sluice.core.Lsn;
import dev.sluice.core.id.SourceId;
import dev.sluice.data.lease.HeldLease;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.Store;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.source.SourceStateDao;
import dev.sluice.stream.DeliveryCounters;
import dev.sluice.stream.NewMessage;
import dev.sluice.stream.StreamAppender;
import dev.sluice.stream.StreamMetrics;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * The store side of a source's capture pipeline: a thread of its own that writes what the stream thread
 * assembled, one fenced metadata transaction per write, in the order they were submitted, while the stream
 * thread decodes the next batch. A write that carries a checkpoint makes its end LSN {@link #durable()} only
 * once it committed; the stream thread confirms that position to the source, never anything later, so the
 * source keeps every change not yet durable here. After the first failure nothing more is written: the stream
 * thread sees the failure, drops what it holds and restarts from the stored checkpoint.
 */
final class CheckpointedWriter
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointedWriter.class);

    /** One unit of work for the writer: runs inside its fenced transaction and returns the messages it stored. */
    interface Write
    {
        /** The checkpoint this write moves the source to, if it ends with a committed transaction. */
        Optional<Lsn> checkpoint();

        int changes();

        List<NewMessage> write(Handle handle);

        /** After the commit, in the writer thread. */
        default void committed() {}
    }

    private static final Write STOP = new Write()
    {
        @Override
        public Optional<Lsn> checkpoint()
        {
            return Optional.empty();
        }

        @Override
        public int changes()
        {
            return 0;
        }

        @Override
        public List<NewMessage> write(Handle handle)
        {
            return List.of();
        }
    };

    private final Store store;
    private final HeldLease lease;
    private final SourceId sourceId;
    private final CrashPoints crashPoints;
    private final StreamMetrics metrics;
    private final BlockingQueue<Write> queue;
    private final Thread thread;
    private final Object progress = new Object();
    private volatile RuntimeException failure;
    private volatile Lsn durable = Lsn.INVALID;
    private long submitted;
    private long completed;

    CheckpointedWriter(Store store, HeldLease lease, SourceId sourceId, CrashPoints crashPoints, StreamMetrics metrics, int depth)
    {
        this.store = requireNonNull(store, "store is null");
        this.lease = requireNonNull(lease, "lease is null");
        this.sourceId = requireNonNull(sourceId, "sourceId is null");
        this.crashPoints = requireNonNull(crashPoints, "crashPoints is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.queue = new ArrayBlockingQueue<>(depth);
        Map<String, String> context = MDC.getCopyOfContextMap();
        this.thread = new Thread(() -> {
            MDC.setContextMap(context == null ? Map.of() : context);
            run();
        }, "sluice-writer-" + sourceId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Stores changes of committed transactions (with the end LSN of the last) or part of one transaction too large for a batch. */
    void submitChanges(List<Change> changes, Optional<Lsn> end, Optional<Lsn> partOf, int nextIndex, BiFunction<String, String, List<String>> primaryKeys)
            throws InterruptedException
    {
        List<Change> copy = List.copyOf(changes);
        submit(new Write()
        {
            @Override
            public Optional<Lsn> checkpoint()
            {
                return end;
            }

            @Override
            public int changes()
            {
                return copy.size();
            }

            @Override
            public List<NewMessage> write(Handle handle)
            {
                List<Consumer> consumers = handle.attach(DataPlaneDao.class).consumersOfSourceAcrossAccounts(sourceId);
                RoutedChanges routing = new ChangeRouter(primaryKeys).routeAll(copy, consumers);
                List<NewMessage> routed = routing.messages();
                // a row a consumer's filter could not judge goes to its dead letters, in its place in its key's order
                List<StreamAppender.Rejected> rejected = routing.failures().stream()
                        .map(failure -> new StreamAppender.Rejected(failure.message(), failure.reason())).toList();
                long stored = StreamAppender.append(handle, sourceId, routed, rejected, DeliveryCounters.of(store)).total();
                handle.afterCommit(() -> routing.failures().forEach(failure -> metrics.deadLettered(failure.consumerId(), 1)));
                if (end.isPresent()) {
                    // forward only, LSNs ordered as unsigned (SourceStateDao/advance.sql)
                    handle.attach(SourceStateDao.class).advance(sourceId, end.get(), copy.size(), stored, lease.owner());
                }
                else {
                    // exactly once for a transaction stored in parts: a restart skips the changes of it stored already
                    handle.createUpdate("""
                                    update source_state set partial_lsn = :lsn, partial_index = :index,
                                           changes_read = changes_read + :changes, messages_stored = messages_stored + :messages,
                                           state = 'streaming', worker = :worker, updated_at = now()
                                    where source_id = :sourceId
                                    """)
                            .bind("lsn", partOf.orElseThrow().asLong()).bind("index", nextIndex).bind("changes", copy.size()).bind("messages", stored)
                            .bind("worker", lease.owner()).bind("sourceId", sourceId).execute();
                }
                return routed;
            }
        });
    }

    void submit(Write write)
            throws InterruptedException
    {
        throwIfFailed();
        synchronized (progress) {
            submitted++;
        }
        while (!queue.offer(write, 100, TimeUnit.MILLISECONDS)) {
            throwIfFailed();
        }
    }

    /** Whether a write submitted now would not wait: nothing is queued behind the write in progress. */
    boolean ready()
    {
        return queue.isEmpty();
    }

    /** The end LSN of the last checkpoint committed. */
    Lsn durable()
    {
        return durable;
    }

    /** Whether every submitted write has committed. */
    boolean idle()
    {
        synchronized (progress) {
            return submitted == completed;
        }
    }

    /** Waits until every submitted write has committed; throws the writer's failure if there was one. */
    void drain()
            throws InterruptedException
    {
        synchronized (progress) {
            while (completed < submitted && failure == null) {
                progress.wait(100);
            }
        }
        throwIfFailed();
    }

    void throwIfFailed()
    {
        RuntimeException failed = failure;
        if (failed != null) {
            throw failed;
        }
    }

    private void run()
    {
        while (true) {
            Write write;
            try {
                write = queue.take();
            }
            catch (InterruptedException e) {
                return;
            }
            if (write == STOP) {
                return;
            }
            try {
                execute(write);
            }
            catch (RuntimeException e) {
                LOG.debug("writing source {} failed: {}", sourceId, e.getMessage());
                failure = e;
                queue.clear();
                synchronized (progress) {
                    progress.notifyAll();
                }
                return;
            }
            synchronized (progress) {
                completed++;
                progress.notifyAll();
            }
        }
    }

    private void execute(Write write)
    {
        crashPoints.beforeStoreCommit(write.checkpoint(), write.changes());
        List<NewMessage> stored = store.inTransaction(handle -> {
            lease.fence(handle);
            return write.write(handle);
        });
        metrics.changesRead(sourceId, write.changes());
        metrics.messagesStored(stored);
        write.committed();
        if (write.checkpoint().isPresent()) {
            crashPoints.afterStoreCommit(write.checkpoint().get(), write.changes());
            durable = write.checkpoint().get();
        }
    }

    /** Stops after the write in progress, if any; what is still queued is dropped (the next stream reads it again from the checkpoint). */
    @Override
    public void close()
    {
        queue.clear();
        queue.offer(STOP);
        // a write waiting on something that can be interrupted gives up; one inside a statement ends with it
        thread.interrupt();
        try {
            thread.join(10_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
