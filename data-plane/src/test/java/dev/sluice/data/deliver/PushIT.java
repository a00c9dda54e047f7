package dev.sluice.data.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.data.DataPlane;
import dev.sluice.data.ExtractionHarness;
import dev.sluice.data.deliver.WebhookTarget.Answer;
import dev.sluice.data.deliver.WebhookTarget.Request;
import dev.sluice.data.extract.CrashPoints;
import dev.sluice.data.extract.ExtractorSettings;
import dev.sluice.data.lease.WorkHealth;
import dev.sluice.stream.MessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Push consumers deliver real changes to a real HTTP server: signatures, retries, order per key, failures that stay local. */
class PushIT
{
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("push-test-signing-secret".getBytes(StandardCharsets.UTF_8));
    private static final PushSettings FAST = new PushSettings(8, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(400), true);

    private ExtractionHarness harness;
    private WebhookTarget target;
    private String source;

    @BeforeEach
    void start()
    {
        harness = new ExtractionHarness(Map.of());
        target = new WebhookTarget();
        source = harness.createSource("push");
        harness.sourceSql("create table orders (id int primary key, label text)");
    }

    @AfterEach
    void stop()
    {
        harness.close();
        target.close();
    }

    @Test
    void everyRowArrivesOnceInKeyOrderSignedWithTheEndpointsSecret()
            throws Exception
    {
        String endpoint = harness.createEndpoint("hooks", target.url(), Optional.of(SECRET), Map.of("X-Team", "data"));
        String consumer = harness.createPushConsumer(source, "orders", "orders", endpoint, 1, 10);
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE, ExtractorSettings.defaults(), FAST);
        harness.sourceSql("insert into orders select g, 'v0' from generate_series(1, 20) g");
        harness.sourceSql("update orders set label = 'v1'");

        await().atMost(Duration.ofSeconds(60)).until(() -> target.requests().size() >= 40);
        List<Request> requests = target.requests();
        assertThat(requests).hasSize(40);
        for (int id = 1; id <= 20; id++) {
            int key = id;
            assertThat(requests.stream().filter(request -> request.id() == key).map(request -> request.json().path("record").path("label").asText()))
                    .as("key %d", key).containsExactly("v0", "v1");
        }
        Request first = requests.get(0);
        assertThat(first.path()).isEqualTo("/hook");
        assertThat(first.headers()).containsEntry("X-Team", "data").containsEntry("Content-Type", "application/json");
        String expected = "v1," + hmac(Base64.getDecoder().decode(SECRET.substring(6)),
                first.headers().get("webhook-id") + "." + first.headers().get("webhook-timestamp") + "." + first.body());
        assertThat(first.headers().get("webhook-signature")).isEqualTo(expected);
        // unique per consumer and message (two consumers of one change send different ids)
        assertThat(requests.stream().map(request -> request.headers().get("webhook-id")).distinct()).hasSize(40);
        assertThat(first.headers().get("webhook-id")).startsWith("msg_" + consumer + "_");
        await().atMost(Duration.ofSeconds(10)).until(() -> backlog(consumer) == 0);
    }

    @Test
    void aFailingKeyIsRetriedWithBackoffInOrderWhileOtherKeysFlow()
    {
        String endpoint = harness.createEndpoint("hooks", target.url(), Optional.empty(), Map.of());
        String consumer = harness.createPushConsumer(source, "orders", "orders", endpoint, 1, 100);
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        AtomicInteger keyOneFirstFailures = new AtomicInteger();
        target.answer(request -> {
            int id = request.id();
            String label = request.json().path("record").path("label").asText();
            int attempt = attempts.computeIfAbsent(id + ":" + label, key -> new AtomicInteger()).incrementAndGet();
            // key 1 fails at least three times, and until keys 4..10 have had both their messages: they must not wait for it
            if (id == 1 && (attempt <= 3 || !IntStream.rangeClosed(4, 10).allMatch(key -> attempts.containsKey(key + ":second")))) {
                if (label.equals("first")) {
                    keyOneFirstFailures.incrementAndGet();
                }
                return Answer.respond(500);
            }
            if (id == 2 && attempt <= 2) {
                return Answer.respondAfter(Duration.ofSeconds(3), 200);
            }
            if (id == 3 && attempt <= 2) {
                return Answer.hangUp();
            }
            return Answer.respond(200);
        });
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE, ExtractorSettings.defaults(), FAST);
        harness.sourceSql("insert into orders select g, 'first' from generate_series(1, 10) g");
        harness.sourceSql("update orders set label = 'second'");

        await().atMost(Duration.ofSeconds(60)).until(() -> target.requests().stream()
                .filter(request -> request.json().path("record").path("label").asText().equals("second")).map(Request::id).distinct().count() == 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog(consumer) == 0);
        List<Request> requests = target.requests();
        for (int id = 1; id <= 10; id++) {
            int key = id;
            List<String> labels = requests.stream().filter(request -> request.id() == key).map(request -> request.json().path("record").path("label").asText()).toList();
            int firstSecond = labels.indexOf("second");
            assertThat(labels.subList(0, firstSecond)).as("key %d: every 'first' attempt precedes 'second'", key).containsOnly("first");
            assertThat(labels.subList(firstSecond, labels.size())).containsOnly("second");
        }
        // retried after every failure, and not once more after its success
        assertThat(keyOneFirstFailures.get()).isGreaterThanOrEqualTo(3);
        assertThat(attempts.get("1:first").get()).isEqualTo(keyOneFirstFailures.get() + 1);
        long keyOneDone = requests.stream().filter(request -> request.id() == 1).mapToLong(Request::receivedNanos).max().orElseThrow();
        long othersDone = requests.stream().filter(request -> request.id() >= 4).mapToLong(Request::receivedNanos).max().orElseThrow();
        assertThat(othersDone).as("keys 4..10 finished before the failing key 1 did").isLessThan(keyOneDone);
        String lastError = harness.store().withHandle(handle -> handle.createQuery("select last_delivery_error from consumers where id = :id")
                .bind("id", consumer).mapTo(String.class).one());
        assertThat(lastError).isNotBlank();
    }

    @Test
    void aConsumerWhoseDeliveriesAllFailReportsSinceWhenUntilOneSucceeds()
    {
        String endpoint = harness.createEndpoint("hooks", target.url(), Optional.empty(), Map.of());
        String consumer = harness.createPushConsumer(source, "orders", "orders", endpoint, 1, 100);
        target.answer(request -> Answer.respond(503));
        DataPlane worker = harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE, ExtractorSettings.defaults(), FAST);
        harness.sourceSql("insert into orders values (1, 'x')");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(health(worker, consumer)).hasValueSatisfying(health -> {
            assertThat(health.failingSince()).isPresent();
            assertThat(health.lastError()).hasValue("HTTP 503");
        }));
        target.answer(request -> Answer.respond(200));
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog(consumer) == 0);
        assertThat(health(worker, consumer)).hasValueSatisfying(health -> assertThat(health.failingSince()).isEmpty());
    }

    private static Optional<WorkHealth> health(DataPlane worker, String consumer)
    {
        return worker.health().stream().filter(work -> work.unit().equals("deliver:" + consumer)).findFirst();
    }

    @Test
    void aMessageThatNeverSucceedsBecomesADeadLetterAndItsKeyGoesOn()
    {
        String endpoint = harness.createEndpoint("hooks", target.url(), Optional.empty(), Map.of());
        String consumer = harness.createPushConsumer(source, "orders", "orders", endpoint, 1, 3);
        target.answer(request -> request.json().path("record").path("label").asText().equals("poison") ? Answer.respond(500) : Answer.respond(200));
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE, ExtractorSettings.defaults(), FAST);
        harness.sourceSql("insert into orders values (1, 'poison')");
        harness.sourceSql("update orders set label = 'fine' where id = 1");

        await().atMost(Duration.ofSeconds(60)).until(() -> target.requests().stream().anyMatch(request -> request.json().path("record").path("label").asText().equals("fine")));
        assertThat(target.requests().stream().filter(request -> request.json().path("record").path("label").asText().equals("poison"))).hasSize(3);
        long deadLetters = harness.store().withHandle(handle -> handle.createQuery("select count(*) from dead_letters where consumer_id = :id")
                .bind("id", consumer).mapTo(Long.class).one());
        assertThat(deadLetters).isEqualTo(1L);
    }

    @Test
    void aTransformThatFailsUnexpectedlyDeadLettersOnlyItsMessageAndDeliveryGoesOn()
    {
        String endpoint = harness.createEndpoint("hooks", target.url(), Optional.empty(), Map.of());
        // a malformed pattern in a tail call makes the Lua interpreter throw ArrayIndexOutOfBoundsException, not a Lua error
        String consumer = harness.createPushConsumer(source, "orders", "orders", endpoint, 1, 5, Optional.of("""
                function transform(action, record, changes, metadata)
                  if record.label == 'poison' then
                    return string.find(record.label, '[a')
                  end
                  return record.label
                end
                """));
        harness.sourceSql("insert into orders select g, 'v0' from generate_series(1, 10) g");
        harness.sourceSql("update orders set label = 'poison' where id = 3");
        harness.sourceSql("update orders set label = 'v1'");
        // one sender: a run whose count were not given back would stop every delivery after it
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE, ExtractorSettings.defaults(),
                new PushSettings(1, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(400), true));

        await().atMost(Duration.ofSeconds(30)).until(() -> IntStream.rangeClosed(1, 10).allMatch(id -> transformedLabels(id).contains("v1")));
        MessageStore messages = new MessageStore(harness.store(), harness.metrics());
        await().atMost(Duration.ofSeconds(10)).until(() -> messages.counts(new ConsumerId(consumer)).backlog() == 0);
        for (int id = 1; id <= 10; id++) {
            assertThat(transformedLabels(id)).as("key %d", id).containsExactly("v0", "v1");
        }
        assertThat(messages.deadLetters(new ConsumerId(consumer), 0, 10).items()).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.message().recordJson()).contains("poison");
            assertThat(deadLetter.reason()).startsWith("the transform failed unexpectedly: java.lang.ArrayIndexOutOfBoundsException");
        });

        // later changes still flow, and nothing is left in flight
        harness.sourceSql("insert into orders select g, 'v2' from generate_series(11, 20) g");
        await().atMost(Duration.ofSeconds(30)).until(() -> IntStream.rangeClosed(11, 20).allMatch(id -> transformedLabels(id).equals(List.of("v2"))));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messages.counts(new ConsumerId(consumer))).satisfies(counts -> {
            assertThat(counts.backlog()).isZero();
            assertThat(counts.inFlight()).isZero();
            assertThat(counts.deadLetters()).isEqualTo(1);
        }));
    }

    @Test
    void aTransformReadsARecordWithANumberAsLongAsPostgresAllows()
    {
        harness.sourceSql("create table amounts (id int primary key, amount numeric)");
        String endpoint = harness.createEndpoint("hooks", target.url(), Optional.empty(), Map.of());
        String consumer = harness.createPushConsumer(source, "amounts", "amounts", endpoint, 1, 5, Optional.of("""
                function transform(action, record, changes, metadata)
                  return record.id
                end
                """));
        // past Jackson's default of 1,000 characters: the record is read for the transform with the limits it was written with
        String amount = "9".repeat(5_000) + "." + "1".repeat(100);
        harness.sourceSql("insert into amounts values (1, " + amount + ")");
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE, ExtractorSettings.defaults(), FAST);

        await().atMost(Duration.ofSeconds(30)).until(() -> !target.requests().isEmpty());
        Request request = target.requests().get(0);
        assertThat(request.json().path("transformed").asInt()).isEqualTo(1);
        assertThat(request.json().path("record").path("amount").decimalValue().toPlainString()).isEqualTo(amount);
        await().atMost(Duration.ofSeconds(10)).until(() -> new MessageStore(harness.store(), harness.metrics()).counts(new ConsumerId(consumer)).backlog() == 0);
        assertThat(new MessageStore(harness.store(), harness.metrics()).counts(new ConsumerId(consumer)).deadLetters()).isZero();
    }

    // what the transform made of each message of the key that reached the target, in order
    private List<String> transformedLabels(int id)
    {
        return target.requests().stream().filter(request -> request.id() == id).map(request -> request.json().path("transformed").asText()).toList();
    }

    @Test
    void batchesCarrySeveralMessages()
    {
        String endpoint = harness.createEndpoint("hooks", target.url(), Optional.empty(), Map.of());
        String consumer = harness.createPushConsumer(source, "orders", "orders", endpoint, 50, 10);
        harness.sourceSql("insert into orders select g, 'x' from generate_series(1, 200) g");
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE, ExtractorSettings.defaults(), FAST);

        await().atMost(Duration.ofSeconds(60)).until(() -> target.requests().stream().mapToInt(request -> request.json().path("data").size()).sum() >= 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog(consumer) == 0);
        List<JsonNode> delivered = target.requests().stream().flatMap(request -> {
            JsonNode data = request.json().path("data");
            assertThat(data.isArray()).isTrue();
            assertThat(data.size()).isBetween(1, 50);
            return StreamSupport.stream(data.spliterator(), false);
        }).toList();
        assertThat(delivered).extracting(message -> message.path("record").path("id").asInt()).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 200).boxed().toList());
    }

    @Test
    void aTargetOnAPrivateAddressIsRefusedAtDeliveryWhenTheOperatorForbidsIt()
    {
        String endpoint = harness.createEndpoint("internal", target.url(), Optional.empty(), Map.of());
        String consumer = harness.createPushConsumer(source, "orders", "orders", endpoint, 1, 100);
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE, ExtractorSettings.defaults(),
                new PushSettings(4, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(200), false));
        harness.sourceSql("insert into orders values (1, 'x')");

        await().atMost(Duration.ofSeconds(30)).until(() -> harness.store().withHandle(handle -> handle.createQuery(
                "select coalesce(last_delivery_error, '') from consumers where id = :id").bind("id", consumer).mapTo(String.class).one()).contains("private address"));
        assertThat(target.requests()).isEmpty();
        assertThat(backlog(consumer)).isEqualTo(1);
    }

    private long backlog(String consumer)
    {
        return harness.messages(consumer).size();
    }

    private static String hmac(byte[] key, String content)
            throws Exception
    {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }
}
