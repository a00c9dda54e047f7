package dev.sluice.sdk;

import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
    void neverHoldsMoreMessagesThanItsConcurrency()
    {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        pull.offer(IntStream.rangeClosed(1, 10).mapToObj(id -> message("m" + id, 1)).toArray(Message[]::new));

        loop = builder().concurrency(3).start(message -> {
            running.incrementAndGet();
            release.await();
        });

        await().atMost(TIMEOUT).until(() -> running.get() == 3);
        // Every handler is busy: the loop waits for a free one rather than receiving more.
        await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> pull.held() == 3 && running.get() == 3);
        release.countDown();
        await().atMost(TIMEOUT).until(() -> pull.acks().size() == 10);
        assertThat(pull.mostHeld()).isEqualTo(3);
        assertThat(pull.batchSizes()).allSatisfy(batchSize -> assertThat(batchSize).isBetween(1, 3));
    }

    @Test
    void nacksAFailedMessageWithABackoffThatGrowsWithItsDeliverCount()
    {
        pull.offer(message("first", 1), message("third", 3));

        loop = builder().backoff(new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(1))).start(message -> {
            throw new IllegalStateException("cannot handle " + message.getId());
        });

        await().atMost(TIMEOUT).until(() -> pull.nacks().size() == 2);
        assertThat(pull.nacks()).containsExactly(new FakePullApi.Nack("first-1", 2), new FakePullApi.Nack("third-3", 8));
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

        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> loop.close(TIMEOUT));
        await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> !closed.isDone());
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

    private ConsumerLoop.Builder builder()
    {
        return new ConsumerLoop.Builder(pull, Duration.ofSeconds(60)).waitSeconds(1);
    }
}
