package dev.sluice.sdk;

import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.AckResult;
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

import static java.util.Objects.requireNonNull;

/**
 * Receives the messages of a pull consumer and runs a {@link MessageHandler} on each, on a pool of
 * {@code concurrency} threads: a message whose handler returns is acknowledged, one whose handler throws
 * is nacked and comes back after a {@link Backoff} delay that grows with its deliver count.
 *
 * <pre>{@code
 * ConsumerLoop loop = client.consumerLoop("demo-orders")
 *         .concurrency(4)
 *         .start(message -> System.out.println(message.getRecord()));
 * ...
 * loop.close(); // stops receiving, lets the handlers finish and sends their acks and nacks
 * }</pre>
 *
 * <p>The loop never holds more than {@code concurrency} messages: it receives only as many as it has idle
 * handlers, long-polling ({@code wait_seconds}) when none is visible. A message is held, and its handler's
 * slot taken, until its ack or nack has been sent; a message whose ack fails comes back after the
 * consumer's visibility timeout. Receive errors are retried with backoff, except 4xx answers other than
 * 408 and 429 (a wrong token, an unknown or push consumer), which stop the loop: see {@link #failure()}.
 *
 * <p>Logs through {@link System.Logger} under this class's name.
 */
public final class ConsumerLoop
        implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(ConsumerLoop.class.getName());
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    private final PullApi pull;
    private final MessageHandler handler;
    private final int concurrency;
    private final int waitSeconds;
    private final Backoff backoff;
    private final Duration closeTimeout;
    /** One permit per message the loop may hold: taken before a receive, given back once a message's ack or nack is sent. */
    private final Semaphore permits;
    private final ThreadPoolExecutor workers;
    private final Thread receiver;

    private final Object lock = new Object();
    /** Guarded by lock. */
    private boolean receiverInterruptible;
    private volatile boolean closing;
    private volatile ApiException failure;

    private ConsumerLoop(PullApi pull, MessageHandler handler, int concurrency, int waitSeconds, Backoff backoff, Duration closeTimeout)
    {
        this.pull = requireNonNull(pull, "pull is null");
        this.handler = requireNonNull(handler, "handler is null");
        this.concurrency = concurrency;
        this.waitSeconds = waitSeconds;
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.closeTimeout = requireNonNull(closeTimeout, "closeTimeout is null");
        this.permits = new Semaphore(concurrency);
        String name = "sluice-" + pull.consumer();
        this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads(name + "-handler-"));
        this.receiver = new Thread(this::receiveUntilClosed, name + "-receiver");
    }

    private ConsumerLoop start()
    {
        receiver.start();
        return this;
    }

    /**
     * Stops the loop and waits, up to the close timeout of the builder, for the handlers that are running
     * to finish and their acks or nacks to be sent. Do not call it from a handler.
     */
    @Override
    public void close()
    {
        close(closeTimeout);
    }

    /**
     * Stops receiving, lets the running handlers finish and waits for their acks and nacks to be sent.
     * Returns whether that happened within {@code timeout}; if not, the handlers still running are
     * interrupted, and their messages come back after the consumer's visibility timeout. An ongoing long
     * poll is let finish (at most its wait seconds) rather than abandoned: the server may hand it messages
     * up to its last moment, and those are nacked at once, unhandled, so none is left in flight.
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
        try {
            receiver.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            // The receiver shuts the pool down when it ends; if it has not ended yet, no new work may start.
            workers.shutdown();
            if (workers.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) && !receiver.isAlive()) {
                return true;
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": handlers still running after " + timeout + "; interrupting them");
        workers.shutdownNow();
        return false;
    }

    /** Blocks until the loop has stopped: closed, or stopped by a receive error ({@link #failure()}). */
    public void awaitTermination()
            throws InterruptedException
    {
        receiver.join();
        workers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
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
                    // Take a slot for every message received, so that the loop never holds more than concurrency.
                    permits.acquire();
                    batch = 1 + drainPermits(concurrency - 1);
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
                dispatch(received);
            }
        }
        finally {
            workers.shutdown();
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
                try {
                    nack(rest, 0);
                }
                finally {
                    permits.release(rest.size());
                }
                return;
            }
        }
    }

    private void handle(Message message)
    {
        try {
            try {
                handler.handle(message);
            }
            catch (Exception | Error e) {
                int delay = backoff.delaySeconds(deliverCount(message));
                LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": handler failed on message " + message.getId()
                        + " (delivery " + deliverCount(message) + "); it comes back in " + delay + "s", e);
                nack(List.of(message), delay);
                if (e instanceof Error error && !(e instanceof AssertionError)) {
                    throw error;
                }
                return;
            }
            ack(message);
        }
        finally {
            permits.release();
        }
    }

    private void ack(Message message)
    {
        try {
            report("ack", pull.ack(List.of(message.getAckId())));
        }
        catch (ApiException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": ack of message " + message.getId()
                    + " failed; it comes back after the visibility timeout: " + e.getMessage());
        }
    }

    private void nack(List<Message> messages, int delaySeconds)
    {
        try {
            report("nack", pull.nack(messages.stream().map(Message::getAckId).toList(), delaySeconds));
        }
        catch (ApiException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": nack failed; the messages come back after the visibility timeout: " + e.getMessage());
        }
    }

    private void report(String operation, List<AckResult> results)
    {
        for (AckResult result : results) {
            if (result.getStatus() != AckResult.StatusEnum.OK) {
                LOG.log(System.Logger.Level.WARNING, () -> "consumer " + pull.consumer() + ": " + operation + " of " + result.getAckId() + " was " + result.getStatus()
                        + " (handled after the visibility timeout?); the message may be delivered again");
            }
        }
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
        private int waitSeconds = 20;
        private Backoff backoff = Backoff.DEFAULT;
        private Duration closeTimeout = Duration.ofSeconds(30);

        Builder(SluiceClient client, String consumer)
        {
            this(PullApi.of(requireNonNull(client, "client is null").messages(), consumer), client.requestTimeout());
        }

        Builder(PullApi pull, Duration requestTimeout)
        {
            this.pull = requireNonNull(pull, "pull is null");
            this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
        }

        /** How many messages are handled at once, and so held at most (1 to 1000); 1 unless set. */
        public Builder concurrency(int concurrency)
        {
            if (concurrency < 1 || concurrency > 1000) {
                throw new IllegalArgumentException("concurrency must be between 1 and 1000: " + concurrency);
            }
            this.concurrency = concurrency;
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

        /** How long {@link ConsumerLoop#close()} waits for running handlers; 30 seconds unless set. */
        public Builder closeTimeout(Duration closeTimeout)
        {
            requireNonNull(closeTimeout, "closeTimeout is null");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative: " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
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
            return new ConsumerLoop(pull, handler, concurrency, waitSeconds, backoff, closeTimeout).start();
        }
    }
}
