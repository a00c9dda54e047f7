package dev.sluice.sdk;

import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.Message;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Receives the messages of a pull consumer and runs a {@link MessageHandler} on each, on a pool of
 * {@code concurrency} threads: a message whose handler returns is acknowledged, one whose handler throws
 * is nacked and comes back after a {@link Backoff} delay that grows with its deliver count.
 *
 * <pre>{@code
 * ConsumerLoop loop = client.consumerLoop("demo-orders")
 *         .concurrency(4)
 *         .onAckFailure(failure -> System.err.println(failure))
 *         .start(message -> System.out.println(message.getRecord()));
 * ...
 * loop.close(); // stops receiving, lets the handlers finish and sends their acks and nacks
 * }</pre>
 *
 * <p><b>Throughput.</b> Receives overlap handling: while handlers run, the loop already receives the next
 * messages, up to {@code prefetch} beyond those being handled. Acks and nacks are sent in batches by a
 * thread of their own, when a batch fills ({@code ackBatchSize}) or {@code ackLinger} after its first
 * message, and always before {@link #close()} returns.
 *
 * <p><b>Bounds.</b> The loop holds at most {@code concurrency + prefetch} messages: received, and not yet
 * acknowledged or nacked. Messages received ahead wait in memory while their visibility timeout runs, so the
 * loop receives ahead only as many as its handlers are expected to start within 2 seconds, at the handling
 * time it measures (see {@link Builder#prefetch(int)}). Receive errors
 * are retried with backoff, except 4xx answers other than 408 and 429 (a wrong token, an unknown or push
 * consumer), which stop the loop: see {@link #failure()}.
 *
 * <p><b>Failed acks.</b> An ack or nack that fails (the request failed, or the server answered that it did
 * not know the message, e.g. after its visibility timeout) goes to the {@link AckFailureListener} of
 * {@link Builder#onAckFailure}, is counted in {@link #counts()}, and the message may be delivered again.
 *
 * <p>Logs through {@link System.Logger} under this class's name.
 */
public final class ConsumerLoop
        implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(ConsumerLoop.class.getName());
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    /** The most messages one receive may ask for (the API's batch_size maximum). */
    private static final int MOST_PER_RECEIVE = 1000;
    private static final int DEFAULT_PREFETCH = 200;
    /** How long a message received ahead should wait for a handler, at most: well under the default visibility timeout (30 s). */
    private static final Duration AHEAD_BUDGET = Duration.ofSeconds(2);

    private final PullApi pull;
    private final MessageHandler handler;
    private final int waitSeconds;
    private final Backoff backoff;
    private final Duration closeTimeout;
    private final Duration requestTimeout;
    /** One permit per message the loop may hold: taken before a receive, given back once a message's ack or nack is answered. */
    private final Semaphore permits;
    private final int mostHeld;
    private final ThreadPoolExecutor workers;
    private final Acknowledger acknowledger;
    private final Thread receiver;

    private final int concurrency;
    private final int prefetch;
    /** Handlers running now. */
    private final AtomicInteger running = new AtomicInteger();
    private volatile long averageHandlingNanos;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();

    private final Object lock = new Object();
    /** Guarded by lock. */
    private boolean receiverInterruptible;
    private volatile boolean closing;
    private volatile ApiException failure;

    private ConsumerLoop(PullApi pull, MessageHandler handler, Builder settings)
    {
        this.pull = requireNonNull(pull, "pull is null");
        this.handler = requireNonNull(handler, "handler is null");
        this.waitSeconds = settings.waitSeconds;
        this.backoff = settings.backoff;
        this.closeTimeout = settings.closeTimeout;
        this.requestTimeout = settings.requestTimeout;
        this.concurrency = settings.concurrency;
        this.prefetch = settings.prefetchOrDefault();
        this.mostHeld = concurrency + prefetch;
        this.permits = new Semaphore(mostHeld);
        String name = "sluice-" + pull.consumer();
        this.workers = new ThreadPoolExecutor(settings.concurrency, settings.concurrency, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads(name + "-handler-"));
        this.acknowledger = new Acknowledger(pull, settings.ackBatchSize, settings.ackLinger, settings.ackFailureListenerOrDefault(), permits::release);
        this.receiver = new Thread(this::receiveUntilClosed, name + "-receiver");
    }

    private ConsumerLoop start()
    {
        receiver.start();
        return this;
    }

    /**
     * Stops the loop as {@link #close(Duration)} does, within the close timeout of the builder (30 seconds
     * unless set). Do not call it from a handler.
     */
    @Override
    public void close()
    {
        close(closeTimeout);
    }

    /**
     * Stops receiving, lets the running handlers finish and sends their acks and nacks. Returns whether all
     * of that happened within {@code timeout}.
     *
     * <p>It returns within {@code timeout}, plus the last ack and nack requests (each within the client's
     * request timeout):
     * <ol>
     * <li>An ongoing long poll is let finish (it lasts at most {@code waitSeconds}): the server may hand it
     * messages up to its last moment, and those are nacked at once, unhandled. A poll still running when
     * {@code timeout} has passed is abandoned; messages the server hands it then come back after the
     * consumer's visibility timeout.</li>
     * <li>Handlers still running when {@code timeout} has passed are interrupted; their messages come back
     * after the visibility timeout.</li>
     * <li>The acks and nacks of every message handled are sent.</li>
     * </ol>
     * To stop sooner, pass a shorter timeout ({@link Duration#ZERO} abandons the poll and interrupts the
     * handlers at once, and still sends the acks of the messages already handled), or build the loop with
     * fewer {@code waitSeconds}.
     */
    public boolean close(Duration timeout)
    {
        requireNonNull(timeout, "timeout is null");
        synchronized (lock) {
            closing = true;
            // a receiver waiting for a free slot or a retry is woken; one inside a receive is let finish
            if (receiverInterruptible) {
                receiver.interrupt();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean finished = false;
        try {
            receiver.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (receiver.isAlive()) {
                // The deadline passed during a long poll: abandon it (the HTTP client cancels an interrupted request).
                receiver.interrupt();
            }
            // The receiver shuts the pool down when it ends; if it has not ended yet, no new work may start.
            workers.shutdown();
            finished = workers.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) && !receiver.isAlive();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished) {
            LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": still receiving or handling after " + timeout + "; interrupting");
            workers.shutdownNow();
        }
        Duration flushTimeout = Duration.ofNanos(Math.max(deadline - System.nanoTime(), requestTimeout.toNanos()));
        return acknowledger.close(flushTimeout) && finished;
    }

    /**
     * Blocks until the loop has stopped: closed, or stopped by a receive error ({@link #failure()}), and the
     * acks and nacks of the messages it handled have been sent.
     */
    public void awaitTermination()
            throws InterruptedException
    {
        receiver.join();
        workers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        acknowledger.close(requestTimeout.multipliedBy(2));
    }

    /** Whether the loop still receives messages. */
    public boolean isRunning()
    {
        return receiver.isAlive() && !closing;
    }

    /** The error that stopped the loop, when a receive was refused for good (e.g. {@code 404 not_found}). */
    public Optional<ApiException> failure()
    {
        return Optional.ofNullable(failure);
    }

    /** What the loop has done so far. */
    public Counts counts()
    {
        return new Counts(received.get(), handled.get(), handlerFailures.get(), acknowledger.acked(), acknowledger.nacked(), acknowledger.failures());
    }

    /**
     * What a loop has done.
     *
     * @param received messages received
     * @param handled messages whose handler returned
     * @param handlerFailures messages whose handler threw
     * @param acked acks the server confirmed
     * @param nacked nacks the server confirmed (of failed messages, and of those received while closing)
     * @param ackFailures acks and nacks that failed or that the server refused (see {@link AckFailure})
     */
    public record Counts(long received, long handled, long handlerFailures, long acked, long nacked, long ackFailures) {}

    private void receiveUntilClosed()
    {
        int failures = 0;
        try {
            while (!closing) {
                int batch = 0;
                List<Message> received;
                synchronized (lock) {
                    if (closing) {
                        return;
                    }
                    receiverInterruptible = true;
                }
                try {
                    if (failures > 0) {
                        Thread.sleep(retryDelay(failures).toMillis());
                    }
                    awaitRoomAhead();
                    // Take a slot for every message received, so that the loop never holds more than concurrency + prefetch.
                    permits.acquire();
                    int room = Math.max(1, concurrency + aheadLimit() - workers.getQueue().size() - running.get());
                    batch = 1 + drainPermits(Math.min(room, MOST_PER_RECEIVE) - 1);
                    synchronized (lock) {
                        if (closing) {
                            permits.release(batch);
                            return;
                        }
                        receiverInterruptible = false;
                    }
                    received = pull.receive(batch, waitSeconds);
                }
                catch (InterruptedException e) {
                    permits.release(batch);
                    continue;
                }
                catch (ApiException e) {
                    permits.release(batch);
                    if (closing) {
                        continue;
                    }
                    if (isPermanent(e)) {
                        failure = e;
                        LOG.log(System.Logger.Level.ERROR, () -> "consumer " + pull.consumer() + ": receive refused, stopping: " + e.getMessage(), e);
                        return;
                    }
                    failures++;
                    int attempt = failures;
                    LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": receive failed, retrying in " + retryDelay(attempt).toSeconds() + "s: " + e.getMessage());
                    continue;
                }
                finally {
                    synchronized (lock) {
                        receiverInterruptible = false;
                        // An interrupt from close() that came after the call returned is no longer needed.
                        Thread.interrupted();
                    }
                }
                failures = 0;
                permits.release(batch - received.size());
                this.received.addAndGet(received.size());
                dispatch(received);
            }
        }
        finally {
            workers.shutdown();
        }
    }

    /**
     * Waits while the messages received ahead (waiting for a handler) reach {@link #aheadLimit()}: their
     * visibility timeout runs while they wait.
     */
    private void awaitRoomAhead()
            throws InterruptedException
    {
        synchronized (lock) {
            while (!closing && workers.getQueue().size() >= Math.max(1, aheadLimit())) {
                // woken when a handler finishes; the timeout re-reads a limit that changed without one
                lock.wait(100);
            }
        }
    }

    /**
     * How many messages may wait for a handler: {@code prefetch}, but no more than the handlers are expected to
     * start within {@link #AHEAD_BUDGET} at the handling time measured so far (and {@code concurrency} until
     * one has been measured), so that slow handlers do not let received messages outlive their visibility timeout.
     */
    private int aheadLimit()
    {
        long average = averageHandlingNanos;
        if (average == 0) {
            return Math.min(prefetch, concurrency);
        }
        long expected = concurrency * AHEAD_BUDGET.toNanos() / average;
        return (int) Math.max(Math.min(prefetch, concurrency), Math.min(prefetch, expected));
    }

    private void handled(long startedNanos)
    {
        long elapsed = Math.max(1, System.nanoTime() - startedNanos);
        long average = averageHandlingNanos;
        // a moving average over about the last eight messages; racing updates only blur an estimate
        averageHandlingNanos = average == 0 ? elapsed : average + (elapsed - average) / 8;
        running.decrementAndGet();
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    private int drainPermits(int most)
    {
        int taken = 0;
        while (taken < most && permits.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    private void dispatch(List<Message> received)
    {
        for (int index = 0; index < received.size(); index++) {
            Message message = received.get(index);
            try {
                if (closing) {
                    throw new RejectedExecutionException("closing");
                }
                workers.execute(() -> handle(message));
            }
            catch (RejectedExecutionException e) {
                // Received while closing: hand the rest back at once rather than after the visibility timeout.
                List<Message> rest = received.subList(index, received.size());
                if (!nack(List.copyOf(rest), 0)) {
                    permits.release(rest.size());
                }
                return;
            }
        }
    }

    private void handle(Message message)
    {
        boolean queued = false;
        running.incrementAndGet();
        long started = System.nanoTime();
        try {
            try {
                handler.handle(message);
                handled(started);
            }
            catch (Exception | Error e) {
                handled(started);
                handlerFailures.incrementAndGet();
                int delay = backoff.delaySeconds(deliverCount(message));
                LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": handler failed on message " + message.getId()
                        + " (delivery " + deliverCount(message) + "); it comes back in " + delay + "s", e);
                queued = nack(List.of(message), delay);
                if (e instanceof Error error && !(e instanceof AssertionError)) {
                    throw error;
                }
                return;
            }
            handled.incrementAndGet();
            queued = acknowledger.ack(message);
            if (!queued) {
                LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": message " + message.getId()
                        + " was handled after close() gave up; it comes back after the visibility timeout");
            }
        }
        finally {
            if (!queued) {
                permits.release();
            }
        }
    }

    /** Queues a nack; false when the loop is closed, and the messages come back after the visibility timeout. */
    private boolean nack(List<Message> messages, int delaySeconds)
    {
        return acknowledger.nack(messages, delaySeconds);
    }

    private static int deliverCount(Message message)
    {
        Integer count = message.getMetadata() == null ? null : message.getMetadata().getDeliverCount();
        return count == null || count < 1 ? 1 : count;
    }

    private static boolean isPermanent(ApiException e)
    {
        int status = e.getCode();
        return status >= 400 && status < 500 && status != 408 && status != 429;
    }

    private static Duration retryDelay(int failures)
    {
        Duration delay = Duration.ofSeconds(1L << Math.min(failures - 1, 5));
        return delay.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : delay;
    }

    private static ThreadFactory threads(String prefix)
    {
        AtomicInteger next = new AtomicInteger(1);
        return runnable -> new Thread(runnable, prefix + next.getAndIncrement());
    }

    /** Settings of a loop; {@link SluiceClient#consumerLoop(String)} makes one. */
    public static final class Builder
    {
        private final PullApi pull;
        private final Duration requestTimeout;
        private int concurrency = 1;
        private Integer prefetch;
        private int waitSeconds = 20;
        private Backoff backoff = Backoff.DEFAULT;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private int ackBatchSize = 100;
        private Duration ackLinger = Duration.ofMillis(5);
        private AckFailureListener ackFailureListener;

        Builder(SluiceClient client, String consumer)
        {
            this(PullApi.of(requireNonNull(client, "client is null").messages(), consumer), client.requestTimeout());
        }

        Builder(PullApi pull, Duration requestTimeout)
        {
            this.pull = requireNonNull(pull, "pull is null");
            this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
        }

        /** How many messages are handled at once (1 to 1000); 1 unless set. */
        public Builder concurrency(int concurrency)
        {
            if (concurrency < 1 || concurrency > 1000) {
                throw new IllegalArgumentException("concurrency must be between 1 and 1000: " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * How many messages may be received ahead of the handlers, waiting for one to be free (0 to 1000);
         * 200 or {@code concurrency}, whichever is more, unless set. Received messages wait in memory while
         * their visibility timeout runs, so the loop receives ahead only what its handlers are expected to
         * start within 2 seconds, at the handling time it measured: fast handlers get the whole prefetch,
         * slow ones little more than {@code concurrency}.
         */
        public Builder prefetch(int prefetch)
        {
            if (prefetch < 0 || prefetch > 1000) {
                throw new IllegalArgumentException("prefetch must be between 0 and 1000: " + prefetch);
            }
            this.prefetch = prefetch;
            return this;
        }

        /** How long one receive waits for messages when none is visible (1 to 20 seconds); 20 unless set. */
        public Builder waitSeconds(int waitSeconds)
        {
            if (waitSeconds < 1 || waitSeconds > 20) {
                throw new IllegalArgumentException("waitSeconds must be between 1 and 20: " + waitSeconds);
            }
            this.waitSeconds = waitSeconds;
            return this;
        }

        /** The redelivery delay of a message whose handler threw; {@link Backoff#DEFAULT} unless set. */
        public Builder backoff(Backoff backoff)
        {
            this.backoff = requireNonNull(backoff, "backoff is null");
            return this;
        }

        /** How long {@link ConsumerLoop#close()} waits for the long poll and the running handlers; 30 seconds unless set. */
        public Builder closeTimeout(Duration closeTimeout)
        {
            requireNonNull(closeTimeout, "closeTimeout is null");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative: " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /** The most acks (or nacks) sent in one request (1 to 1000); 100 unless set. */
        public Builder ackBatchSize(int ackBatchSize)
        {
            if (ackBatchSize < 1 || ackBatchSize > 1000) {
                throw new IllegalArgumentException("ackBatchSize must be between 1 and 1000: " + ackBatchSize);
            }
            this.ackBatchSize = ackBatchSize;
            return this;
        }

        /** How long an ack may wait for others to share its request (0 to 1 second); 5 milliseconds unless set. */
        public Builder ackLinger(Duration ackLinger)
        {
            requireNonNull(ackLinger, "ackLinger is null");
            if (ackLinger.isNegative() || ackLinger.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("ackLinger must be between 0 and 1 second: " + ackLinger);
            }
            this.ackLinger = ackLinger;
            return this;
        }

        /**
         * Told of every ack or nack that failed or that the server refused; {@link #counts()} counts them
         * either way. Unless set, each is logged as a warning.
         */
        public Builder onAckFailure(AckFailureListener listener)
        {
            this.ackFailureListener = requireNonNull(listener, "listener is null");
            return this;
        }

        /** Starts receiving on a thread of its own and returns at once. */
        public ConsumerLoop start(MessageHandler handler)
        {
            requireNonNull(handler, "handler is null");
            if (Duration.ofSeconds(waitSeconds + 5).compareTo(requestTimeout) > 0) {
                throw new IllegalStateException("a long poll of " + waitSeconds + "s does not fit in the client's request timeout of " + requestTimeout
                        + "; lower waitSeconds or raise requestTimeout");
            }
            return new ConsumerLoop(pull, handler, this).start();
        }

        private int prefetchOrDefault()
        {
            return prefetch == null ? Math.max(DEFAULT_PREFETCH, concurrency) : prefetch;
        }

        private AckFailureListener ackFailureListenerOrDefault()
        {
            if (ackFailureListener != null) {
                return ackFailureListener;
            }
            return failure -> LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": " + failure + "; the message may be delivered again");
        }
    }
}
