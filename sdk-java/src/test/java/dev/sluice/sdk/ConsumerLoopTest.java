package dev.sluice.sdk;

import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.AckResult;
import dev.sluice.sdk.model.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.sluice.sdk.FakePullApi.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ConsumerLoopTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final FakePullApi pull = new FakePullApi();
    private ConsumerLoop loop;

    @AfterEach
    void closeLoop()
    {
        if (loop != null) {
            loop.close(TIMEOUT);
        }
    }

    @Test
    void acksEveryMessageItsHandlerReturnsFrom()
    {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        pull.offer(IntStream.rangeClosed(1, 10).mapToObj(id -> message("m" + id, 1)).toArray(Message[]::new));

        loop = builder().concurrency(3).start(message -> handled.add(message.getId()));

        await().atMost(TIMEOUT).until(() -> pull.acks().size() == 10);
        assertThat(handled).hasSize(10);
        assertThat(pull.acks()).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 10).mapToObj(id -> "m" + id + "-1").toList());
        assertThat(pull.nacks()).isEmpty();
    }

    @Test
    void neverHoldsMoreMessagesThanItsConcurrencyAndPrefetch()
    {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        pull.offer(IntStream.rangeClosed(1, 10).mapToObj(id -> message("m" + id, 1)).toArray(Message[]::new));

        loop = builder().concurrency(3).prefetch(2).start(message -> {
            running.incrementAndGet();
            release.await();
        });

        await().atMost(TIMEOUT).until(() -> running.get() == 3);
        // Every handler is busy and two more messages wait for one: the receiver waits for room and receives no more.
        await().atMost(TIMEOUT).until(() -> receiverWaitsForRoom());
        assertThat(pull.held()).isEqualTo(5);
        assertThat(running.get()).isEqualTo(3);
        release.countDown();
        await().atMost(TIMEOUT).until(() -> pull.acks().size() == 10);
        assertThat(pull.mostHeld()).isEqualTo(5);
        assertThat(pull.batchSizes()).allSatisfy(batchSize -> assertThat(batchSize).isBetween(1, 5));
    }

    @Test
    void receivesAheadOnlyWhatSlowHandlersStartSoon()
    {
        pull.offer(IntStream.rangeClosed(1, 16).mapToObj(id -> message("m" + id, 1)).toArray(Message[]::new));

        // 250 ms a message at concurrency 1: about 8 messages start within the 2 seconds a message may wait ahead.
        loop = builder().concurrency(1).prefetch(100).start(message -> Thread.sleep(250));

        await().atMost(TIMEOUT).until(() -> pull.acks().size() == 16);
        assertThat(pull.mostHeld()).as("messages held at once, of the 101 allowed").isBetween(2, 12);
    }

    @Test
    void nacksAFailedMessageWithABackoffThatGrowsWithItsDeliverCount()
    {
        pull.offer(message("first", 1), message("third", 3));

        loop = builder().backoff(new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(1))).start(message -> {
            throw new IllegalStateException("cannot handle " + message.getId());
        });

        await().atMost(TIMEOUT).until(() -> pull.nacks().size() == 2);
        assertThat(pull.nacks()).containsExactlyInAnyOrder(new FakePullApi.Nack("first-1", 2), new FakePullApi.Nack("third-3", 8));
        assertThat(pull.acks()).isEmpty();
        assertThat(pull.held()).isZero();
    }

    @Test
    void closeWaitsForRunningHandlersAndTheirAcks()
            throws Exception
    {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        pull.offer(message("slow", 1), message("failing", 1));
        loop = builder().concurrency(2).start(message -> {
            started.countDown();
            release.await();
            if (message.getId().equals("failing")) {
                throw new IllegalStateException("failed late");
            }
        });
        assertThat(started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        Thread closer = new Thread(() -> closed.complete(loop.close(TIMEOUT)), "closer");
        closer.start();
        // close() has begun and waits, inside itself, for the running handlers
        await().atMost(TIMEOUT).until(() -> !loop.isRunning() && waitingIn(closer, ConsumerLoop.class.getName(), "close"));
        assertThat(closed).isNotDone();
        assertThat(pull.acks()).isEmpty();
        release.countDown();

        assertThat(closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("closed within its timeout").isTrue();
        assertThat(pull.acks()).containsExactly("slow-1");
        assertThat(pull.nacks()).containsExactly(new FakePullApi.Nack("failing-1", 1));
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void closeLetsAWaitingReceiveFinishAndStartsNoOther()
    {
        loop = builder().waitSeconds(2).start(message -> {});
        await().atMost(TIMEOUT).until(() -> pull.receives() == 1);

        assertThat(loop.close(TIMEOUT)).isTrue();

        assertThat(pull.receives()).isEqualTo(1);
        assertThat(pull.held()).isZero();
    }

    @Test
    void handsBackAtOnceWhatArrivesWhileClosing()
            throws Exception
    {
        Set<String> handled = ConcurrentHashMap.newKeySet();
        CountDownLatch receiveGate = pull.holdReceives();
        loop = builder().concurrency(2).start(message -> handled.add(message.getId()));
        await().atMost(TIMEOUT).until(() -> pull.receives() == 1);

        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> loop.close(TIMEOUT));
        await().atMost(TIMEOUT).until(() -> !loop.isRunning());
        // The response of the receive that was waiting when close() was called.
        pull.offer(message("late-1", 1), message("late-2", 1));
        receiveGate.countDown();

        assertThat(closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(handled).isEmpty();
        assertThat(pull.nacks()).containsExactly(new FakePullApi.Nack("late-1-1", 0), new FakePullApi.Nack("late-2-1", 0));
        assertThat(pull.held()).isZero();
    }

    @Test
    void retriesAFailedReceive()
    {
        pull.failNextReceive(new ApiException(503, "unavailable"));
        pull.offer(message("m1", 1));

        loop = builder().start(message -> {});

        await().atMost(TIMEOUT).until(() -> pull.acks().equals(List.of("m1-1")));
        assertThat(loop.failure()).isEmpty();
    }

    @Test
    void stopsWhenTheConsumerCannotBeReceivedFrom()
            throws Exception
    {
        pull.failNextReceive(new ApiException(404, "not found"));

        loop = builder().start(message -> {});

        assertThat(CompletableFuture.runAsync(() -> {
            try {
                loop.awaitTermination();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
        assertThat(loop.isRunning()).isFalse();
        assertThat(loop.failure()).hasValueSatisfying(failure -> assertThat(failure.getCode()).isEqualTo(404));
    }

    @Test
    void refusesALongPollLongerThanTheRequestTimeout()
    {
        assertThatThrownBy(() -> new ConsumerLoop.Builder(pull, Duration.ofSeconds(20)).waitSeconds(20).start(message -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("request timeout");
        assertThatThrownBy(() -> builder().concurrency(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().waitSeconds(21)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sendsAcksInBatches()
    {
        pull.offer(IntStream.rangeClosed(1, 200).mapToObj(id -> message("m" + id, 1)).toArray(Message[]::new));

        loop = builder().concurrency(4).ackBatchSize(50).ackLinger(Duration.ofMillis(200)).start(message -> {});

        await().atMost(TIMEOUT).until(() -> pull.acks().size() == 200);
        assertThat(pull.ackRequestSizes()).allSatisfy(size -> assertThat(size).isBetween(1, 50));
        assertThat(pull.ackRequestSizes().size()).as("ack requests for 200 messages").isLessThan(20);
        assertThat(loop.counts()).isEqualTo(new ConsumerLoop.Counts(200, 200, 0, 200, 0, 0));
    }

    @Test
    void closeSendsTheAcksStillWaitingForTheirBatch()
    {
        pull.offer(message("m1", 1), message("m2", 1));
        loop = builder().concurrency(2).ackLinger(Duration.ofSeconds(1)).start(message -> {});
        await().atMost(TIMEOUT).until(() -> loop.counts().handled() == 2);

        assertThat(loop.close(TIMEOUT)).isTrue();

        assertThat(pull.acks()).containsExactlyInAnyOrder("m1-1", "m2-1");
        assertThat(pull.held()).isZero();
    }

    @Test
    void tellsTheListenerOfEveryAckThatFailedAndCountsIt()
    {
        List<AckFailure> failures = new CopyOnWriteArrayList<>();
        pull.failNextAck(new ApiException(503, "unavailable"));
        pull.offer(message("m1", 1), message("m2", 1));

        loop = builder().concurrency(2).ackBatchSize(2).ackLinger(Duration.ofSeconds(1)).onAckFailure(failures::add).start(message -> {});

        await().atMost(TIMEOUT).until(() -> failures.size() == 2);
        assertThat(failures).extracting(failure -> failure.message().getId()).containsExactlyInAnyOrder("m1", "m2");
        assertThat(failures).allSatisfy(failure -> {
            assertThat(failure.settlement()).isEqualTo(AckFailure.Settlement.ACK);
            assertThat(failure.error()).hasValueSatisfying(error -> assertThat(error.getCode()).isEqualTo(503));
            assertThat(failure.status()).isEmpty();
        });
        assertThat(loop.counts().ackFailures()).isEqualTo(2);
        assertThat(loop.counts().acked()).isZero();

        // An ack the server answers "unknown" to (its visibility timeout passed) is a failure too.
        pull.offer(message("m3", 1));
        await().atMost(TIMEOUT).until(() -> pull.acks().contains("m3-1"));
        assertThat(loop.counts().acked()).isEqualTo(1);
        assertThat(failures).hasSize(2);
    }

    @Test
    void anAckTheServerDoesNotKnowReachesTheListener()
    {
        List<AckFailure> failures = new CopyOnWriteArrayList<>();
        pull.offer(message("m1", 1));
        // The message's visibility timeout passes while it is handled: the server no longer knows its ack id.
        loop = builder().onAckFailure(failures::add).start(message -> pull.forget(message.getAckId()));

        await().atMost(TIMEOUT).until(() -> failures.size() == 1);
        assertThat(failures.get(0).status()).hasValue(AckResult.StatusEnum.UNKNOWN);
        assertThat(failures.get(0).error()).isEmpty();
        assertThat(loop.counts().ackFailures()).isEqualTo(1);
    }

    @Test
    void closeWithoutTimeToWaitAbandonsTheLongPoll()
    {
        loop = builder().waitSeconds(20).start(message -> {});
        await().atMost(TIMEOUT).until(() -> pull.receives() == 1);

        long started = System.nanoTime();
        loop.close(Duration.ZERO);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        await().atMost(TIMEOUT).until(() -> !loop.isRunning());
    }

    private ConsumerLoop.Builder builder()
    {
        return new ConsumerLoop.Builder(pull, Duration.ofSeconds(60)).waitSeconds(1);
    }

    /** Whether the loop's receiver waits for a handler to free room (ahead of the handlers, or for a permit). */
    private boolean receiverWaitsForRoom()
    {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("sluice-" + pull.consumer() + "-receiver"))
                .anyMatch(thread -> waitingIn(thread, ConsumerLoop.class.getName(), "awaitRoomAhead") || waitingIn(thread, Semaphore.class.getName(), "acquire"));
    }

    /** Whether {@code thread} waits inside {@code method} of the class named {@code type}. */
    private static boolean waitingIn(Thread thread, String type, String method)
    {
        Thread.State state = thread.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                && Arrays.stream(thread.getStackTrace()).anyMatch(frame -> frame.getClassName().equals(type) && frame.getMethodName().equals(method));
    }
}
