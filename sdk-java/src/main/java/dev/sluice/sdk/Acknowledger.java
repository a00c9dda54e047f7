package dev.sluice.sdk;

import dev.sluice.sdk.AckFailure.Settlement;
import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.AckResult;
import dev.sluice.sdk.model.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import static java.util.Objects.requireNonNull;

/**
 * Sends the acks and nacks of a {@link ConsumerLoop} in batches, on a thread of its own: a batch goes when
 * it holds {@code batchSize} messages, or {@code linger} after its first message came, whichever is sooner;
 * while one request is under way the next batch fills. Nacks are batched per delay (one request carries one).
 * {@link #close()} sends everything still pending before it returns.
 *
 * <p>Every message handed in is settled exactly once: {@code settled} is told when its ack or nack was
 * answered or failed, and a failure also goes to the listener.
 */
final class Acknowledger
        implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(ConsumerLoop.class.getName());

    private final PullApi pull;
    private final int batchSize;
    private final long lingerNanos;
    private final AckFailureListener listener;
    private final IntConsumer settled;
    private final Thread sender;

    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong nacked = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private final Object lock = new Object();
    /** Guarded by lock. */
    private final List<Message> acks = new ArrayList<>();
    /** Nacks waiting, by delay in seconds. Guarded by lock. */
    private final Map<Integer, List<Message>> nacks = new LinkedHashMap<>();
    /** Guarded by lock. */
    private int pending;
    /** When the oldest pending message came. Guarded by lock. */
    private long oldestPending;
    /** Guarded by lock. */
    private boolean closed;

    Acknowledger(PullApi pull, int batchSize, Duration linger, AckFailureListener listener, IntConsumer settled)
    {
        this.pull = requireNonNull(pull, "pull is null");
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("batchSize must be between 1 and 1000: " + batchSize);
        }
        this.batchSize = batchSize;
        this.lingerNanos = requireNonNull(linger, "linger is null").toNanos();
        this.listener = requireNonNull(listener, "listener is null");
        this.settled = requireNonNull(settled, "settled is null");
        this.sender = new Thread(this::sendUntilClosed, "sluice-" + pull.consumer() + "-acks");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** Queues an ack; false when closed, and then the message is not settled here. */
    boolean ack(Message message)
    {
        requireNonNull(message, "message is null");
        synchronized (lock) {
            if (closed) {
                return false;
            }
            acks.add(message);
            added(1);
            return true;
        }
    }

    /** Queues nacks; false when closed, and then the messages are not settled here. */
    boolean nack(List<Message> messages, int delaySeconds)
    {
        requireNonNull(messages, "messages is null");
        synchronized (lock) {
            if (closed) {
                return false;
            }
            if (!messages.isEmpty()) {
                nacks.computeIfAbsent(delaySeconds, delay -> new ArrayList<>()).addAll(messages);
                added(messages.size());
            }
            return true;
        }
    }

    long acked()
    {
        return acked.get();
    }

    long nacked()
    {
        return nacked.get();
    }

    long failures()
    {
        return failures.get();
    }

    /** Sends what is pending and stops; waits for that at most {@code timeout}. Returns whether everything was sent. */
    boolean close(Duration timeout)
    {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            sender.join(Math.max(1, timeout.toMillis()));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !sender.isAlive();
    }

    @Override
    public void close()
    {
        close(Duration.ofDays(1));
    }

    private void added(int count)
    {
        if (pending == 0) {
            oldestPending = System.nanoTime();
        }
        pending += count;
        if (pending >= batchSize || pending == count) {
            lock.notifyAll();
        }
    }

    private void sendUntilClosed()
    {
        while (true) {
            List<Message> ackBatch;
            Map<Integer, List<Message>> nackBatches;
            synchronized (lock) {
                try {
                    while (!readyToSend()) {
                        if (pending == 0) {
                            lock.wait();
                        }
                        else {
                            TimeUnit.NANOSECONDS.timedWait(lock, oldestPending + lingerNanos - System.nanoTime());
                        }
                    }
                }
                catch (InterruptedException e) {
                    // Only close() stops this thread, and it does so without interrupting: keep sending.
                    continue;
                }
                if (pending == 0) {
                    // closed, and nothing left
                    return;
                }
                ackBatch = List.copyOf(acks);
                acks.clear();
                nackBatches = new HashMap<>(nacks);
                nacks.clear();
                pending = 0;
            }
            for (int start = 0; start < ackBatch.size(); start += batchSize) {
                send(Settlement.ACK, ackBatch.subList(start, Math.min(ackBatch.size(), start + batchSize)), 0);
            }
            nackBatches.forEach((delay, messages) -> {
                for (int start = 0; start < messages.size(); start += batchSize) {
                    send(Settlement.NACK, messages.subList(start, Math.min(messages.size(), start + batchSize)), delay);
                }
            });
        }
    }

    /** Guarded by lock. */
    private boolean readyToSend()
    {
        return closed || pending >= batchSize || (pending > 0 && System.nanoTime() - oldestPending >= lingerNanos);
    }

    private void send(Settlement settlement, List<Message> messages, int delaySeconds)
    {
        List<String> ackIds = messages.stream().map(Message::getAckId).toList();
        try {
            List<AckResult> results = settlement == Settlement.ACK ? pull.ack(ackIds) : pull.nack(ackIds, delaySeconds);
            Map<String, AckResult.StatusEnum> statuses = new HashMap<>();
            if (results != null) {
                results.forEach(result -> statuses.put(result.getAckId(), result.getStatus()));
            }
            int succeeded = 0;
            for (Message message : messages) {
                AckResult.StatusEnum status = statuses.getOrDefault(message.getAckId(), AckResult.StatusEnum.OK);
                if (status == AckResult.StatusEnum.OK) {
                    succeeded++;
                }
                else {
                    fail(AckFailure.refused(message, settlement, status));
                }
            }
            (settlement == Settlement.ACK ? acked : nacked).addAndGet(succeeded);
        }
        catch (RuntimeException e) {
            ApiException error = e instanceof ApiException apiException ? apiException : new ApiException(e);
            for (Message message : messages) {
                fail(AckFailure.failed(message, settlement, error));
            }
        }
        finally {
            settled.accept(messages.size());
        }
    }

    private void fail(AckFailure failure)
    {
        failures.incrementAndGet();
        try {
            listener.ackFailed(failure);
        }
        catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": the ack failure listener threw", e);
        }
    }
}
