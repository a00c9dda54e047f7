package dev.sluice.sdk;

import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.AckRequest;
import dev.sluice.sdk.model.AckResult;
import dev.sluice.sdk.model.Action;
import dev.sluice.sdk.model.ConsumerCreate;
import dev.sluice.sdk.model.ConsumerKind;
import dev.sluice.sdk.model.ConsumerUpdate;
import dev.sluice.sdk.model.Message;
import dev.sluice.sdk.model.TableSelection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** ConsumerLoop against a real server, on a pull consumer of its own of the demo table (a row a second). */
@ExtendWith(DevServer.Extension.class)
class ConsumerLoopIT
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final SluiceClient client;
    private String consumer;
    private ConsumerLoop loop;

    ConsumerLoopIT(DevServer server)
    {
        this.client = server.client();
    }

    @BeforeEach
    void createConsumer()
            throws ApiException
    {
        consumer = "loop-" + UUID.randomUUID().toString().substring(0, 8);
        client.consumers().createConsumer(new ConsumerCreate()
                .name(consumer)
                .sourceId("demo")
                .kind(ConsumerKind.PULL)
                .tables(List.of(new TableSelection().table("demo_orders")))
                .actions(Set.of(Action.INSERT)), null);
    }

    @AfterEach
    void deleteConsumer()
            throws ApiException
    {
        if (loop != null) {
            loop.close(Duration.ofSeconds(30));
        }
        client.consumers().deleteConsumer(consumer);
    }

    @Test
    void handlesAndAcksMessagesWithTheirExactNumbers()
            throws ApiException
    {
        ConcurrentLinkedQueue<Message> handled = new ConcurrentLinkedQueue<>();

        loop = client.consumerLoop(consumer).concurrency(4).start(handled::add);

        await().atMost(TIMEOUT).until(() -> handled.size() >= 3);
        assertThat(loop.close(Duration.ofSeconds(30))).isTrue();

        Message first = handled.peek();
        assertThat(first.getMetadata().getTableName()).isEqualTo("demo_orders");
        assertThat(first.getRecord()).containsKeys("id", "customer", "amount", "status", "created_at");
        assertThat(List.copyOf(first.getRecord().keySet())).as("the table's column order").startsWith("id", "customer", "amount");
        assertThat(first.getRecord().get("amount")).isInstanceOfSatisfying(BigDecimal.class, amount -> assertThat(amount.scale()).isEqualTo(2));
        // Acked: the ack ids name no waiting message any more.
        List<AckResult> again = client.messages().ackMessages(consumer, new AckRequest().ackIds(handled.stream().map(Message::getAckId).toList())).getData();
        assertThat(again).extracting(AckResult::getStatus).containsOnly(AckResult.StatusEnum.UNKNOWN);
        assertThat(client.consumers().getConsumerStatus(consumer).getInFlight()).isZero();
    }

    @Test
    void aMessageWhoseHandlerThrowsComesBackWithItsDeliverCountRaised()
    {
        AtomicReference<String> failed = new AtomicReference<>();
        Map<String, Integer> deliveriesOfFailed = new ConcurrentHashMap<>();

        loop = client.consumerLoop(consumer).concurrency(2).backoff(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))).start(message -> {
            if (failed.compareAndSet(null, message.getId())) {
                throw new IllegalStateException("the first message fails on its first delivery");
            }
            if (message.getId().equals(failed.get())) {
                deliveriesOfFailed.put(message.getId(), message.getMetadata().getDeliverCount());
            }
        });

        await().atMost(TIMEOUT).until(() -> !deliveriesOfFailed.isEmpty());
        assertThat(deliveriesOfFailed).containsExactly(Map.entry(failed.get(), 2));
    }

    @Test
    void closeWaitsForTheRunningHandlerAndItsAck()
            throws Exception
    {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        ConcurrentLinkedQueue<Message> handled = new ConcurrentLinkedQueue<>();
        loop = client.consumerLoop(consumer).concurrency(1).start(message -> {
            handled.add(message);
            started.countDown();
            release.await();
            finished.set(true);
        });
        assertThat(started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        Thread closer = new Thread(() -> closed.complete(loop.close(Duration.ofSeconds(30))), "closer");
        closer.start();
        // close() has begun and waits, inside itself, while the handler runs
        await().atMost(TIMEOUT).until(() -> !loop.isRunning() && waitingIn(closer, ConsumerLoop.class.getName(), "close"));
        assertThat(closed).isNotDone();
        release.countDown();

        assertThat(closed.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(finished).isTrue();
        assertThat(handled).as("nothing is handled once close() has begun").hasSize(1);
        assertThat(client.messages().ackMessages(consumer, new AckRequest().ackIds(List.of(handled.peek().getAckId()))).getData())
                .extracting(AckResult::getStatus).containsExactly(AckResult.StatusEnum.UNKNOWN);
        assertThat(client.consumers().getConsumerStatus(consumer).getInFlight()).isZero();
    }
    @Test
    void anAckAfterTheVisibilityTimeoutReachesTheListenerAndIsCounted()
    {
        client.consumers().updateConsumer(consumer, new ConsumerUpdate().visibilityTimeoutSeconds(1));
        List<AckFailure> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean first = new AtomicBoolean(true);

        loop = client.consumerLoop(consumer).onAckFailure(failures::add).start(message -> {
            if (first.getAndSet(false)) {
                // A handler slower than the visibility timeout: the server hands the message out again, and this ack comes too late.
                Thread.sleep(2500);
            }
        });

        await().atMost(TIMEOUT).until(() -> !failures.isEmpty());
        assertThat(failures.get(0).settlement()).isEqualTo(AckFailure.Settlement.ACK);
        assertThat(failures.get(0).status()).hasValueSatisfying(status -> assertThat(status).isNotEqualTo(AckResult.StatusEnum.OK));
        assertThat(loop.counts().ackFailures()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void closeWithoutTimeToWaitReturnsAtOnceDuringALongPoll()
    {
        // No row matches: after what was already stored, every receive is a long poll that finds nothing.
        client.consumers().updateConsumer(consumer, new ConsumerUpdate().filter("amount < 0"));
        loop = client.consumerLoop(consumer).waitSeconds(20).start(message -> {});
        // the stream is empty and the loop's receiver waits inside a receive: a long poll
        Thread receiver = Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals("sluice-" + consumer + "-receiver"))
                .findFirst().orElseThrow();
        await().atMost(TIMEOUT).until(() -> client.consumers().getConsumerStatus(consumer).getBacklog() == 0
                && waitingIn(receiver, PullApi.class.getName() + "$", "receive"));
        assertThat(loop.isRunning()).isTrue();

        long started = System.nanoTime();
        loop.close(Duration.ZERO);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(loop.isRunning()).isFalse();
    }

    /** Whether {@code thread} waits inside {@code method} of a class whose name starts with {@code type}. */
    private static boolean waitingIn(Thread thread, String type, String method)
    {
        Thread.State state = thread.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                && Arrays.stream(thread.getStackTrace()).anyMatch(frame -> frame.getClassName().startsWith(type) && frame.getMethodName().equals(method));
    }
}
