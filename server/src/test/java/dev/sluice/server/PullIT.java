package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.control.message.DeliveryService;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import dev.sluice.stream.MessageSignals;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The SQS-like pull API over real extraction: receive, ack, nack, visibility, order per key, dead letters. */
class PullIT
{
    private static final TestServer SERVER = TestServer.get();
    private static final SourcePostgres SOURCE = SourcePostgres.logical();

    @Test
    void rowsAreReceivedInKeyOrderAndGoneOnceAcked()
    {
        Fixture fixture = fixture("basic", "");
        SOURCE.execute(SourcePostgres.DATABASE, "insert into " + fixture.table + " values (1, 'a'), (2, 'b')");
        SOURCE.execute(SourcePostgres.DATABASE, "update " + fixture.table + " set label = 'a2' where id = 1");

        List<JsonNode> first = receive(fixture, 10, 10);
        assertThat(first).extracting(message -> message.path("action").asText() + " " + message.path("record").path("id").asInt())
                .as("the update of key 1 waits while its insert is outstanding").containsExactly("insert 1", "insert 2");
        JsonNode metadata = first.get(0).path("metadata");
        assertThat(metadata.path("table_name").asText()).isEqualTo(fixture.table);
        assertThat(metadata.path("deliver_count").asInt()).isEqualTo(1);
        assertThat(metadata.path("group").asText()).isEqualTo("[1]");
        assertThat(metadata.path("commit_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(receive(fixture, 10, 0)).as("both keys are in flight").isEmpty();

        assertThat(ack(fixture, ackIds(first))).containsOnly("ok");
        List<JsonNode> second = receive(fixture, 10, 10);
        assertThat(second).extracting(message -> message.path("action").asText() + " " + message.path("record").path("label").asText()).containsExactly("update a2");
        ack(fixture, ackIds(second));
        await().atMost(Duration.ofSeconds(10)).until(() -> status(fixture).path("backlog").asLong() == 0);
        assertThat(status(fixture).path("in_flight").asLong()).isZero();
    }

    @Test
    void aLongPollReturnsAsSoonAsARowArrives()
            throws Exception
    {
        Fixture fixture = fixture("poll", "");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            long started = System.nanoTime();
            Future<List<JsonNode>> waiting = pool.submit(() -> receive(fixture, 10, 20));
            // the server holds the receive in its long poll: one of its threads waits for a signal inside a receive
            await().atMost(Duration.ofSeconds(5)).until(PullIT::aReceiveWaitsForASignal);
            assertThat(waiting).isNotDone();
            SOURCE.execute(SourcePostgres.DATABASE, "insert into " + fixture.table + " values (1, 'x')");
            List<JsonNode> received = waiting.get(30, TimeUnit.SECONDS);
            assertThat(received).hasSize(1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("woken by the new row, not by the 20 s timeout").isLessThan(Duration.ofSeconds(15));
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUnackedMessageComesBackAfterItsVisibilityTimeoutWithItsDeliverCountRaised()
    {
        Fixture fixture = fixture("visibility", ", \"visibility_timeout_seconds\": 1");
        SOURCE.execute(SourcePostgres.DATABASE, "insert into " + fixture.table + " values (1, 'x')");
        List<JsonNode> first = receive(fixture, 1, 10);
        String staleAckId = first.get(0).path("ack_id").asText();
        List<JsonNode> again = receive(fixture, 1, 10);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).path("metadata").path("deliver_count").asInt()).isEqualTo(2);
        assertThat(again.get(0).path("metadata").path("idempotency_key").asText()).isEqualTo(first.get(0).path("metadata").path("idempotency_key").asText());

        Reply outcome = SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/ack", fixture.token,
                "{\"ack_ids\":[\"" + staleAckId + "\", \"999999-1-abc\", \"garbage\", \"" + again.get(0).path("ack_id").asText() + "\"]}");
        assertThat(outcome.status()).isEqualTo(200);
        assertThat(outcome.json().path("data")).extracting(node -> node.path("status").asText()).containsExactly("expired", "unknown", "unknown", "ok");
    }

    @Test
    void aNackWithADelayHoldsTheMessageBack()
    {
        Fixture fixture = fixture("nack", "");
        SOURCE.execute(SourcePostgres.DATABASE, "insert into " + fixture.table + " values (1, 'x')");
        List<JsonNode> first = receive(fixture, 1, 10);
        Reply nacked = SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/nack", fixture.token,
                "{\"ack_ids\":[\"" + first.get(0).path("ack_id").asText() + "\"], \"delay_seconds\": 2}");
        assertThat(nacked.json().path("data").get(0).path("status").asText()).isEqualTo("ok");
        long started = System.nanoTime();
        assertThat(receive(fixture, 1, 0)).isEmpty();
        List<JsonNode> again = receive(fixture, 1, 10);
        assertThat(again).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void concurrentReceiversNeverHoldTheSameMessageAndKeepOrderPerKey()
            throws Exception
    {
        Fixture fixture = fixture("concurrent", ", \"max_ack_pending\": 100000");
        int keys = 2000;
        int versions = 5;
        SOURCE.execute(SourcePostgres.DATABASE, "insert into " + fixture.table + " select g, 'v0' from generate_series(1, " + keys + ") g");
        for (int version = 1; version < versions; version++) {
            SOURCE.execute(SourcePostgres.DATABASE, "update " + fixture.table + " set label = 'v" + version + "'");
        }
        int total = keys * versions;
        await().atMost(Duration.ofMinutes(5)).until(() -> status(fixture).path("backlog").asLong() == total);

        Set<String> inFlight = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        Map<Integer, List<String>> seenPerKey = new ConcurrentHashMap<>();
        AtomicInteger acked = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> receivers = new ArrayList<>();
            for (int receiver = 0; receiver < 8; receiver++) {
                receivers.add(pool.submit(() -> {
                    while (acked.get() < total) {
                        List<JsonNode> batch = receive(fixture, 100, 1);
                        for (JsonNode message : batch) {
                            if (!inFlight.add(message.path("id").asText())) {
                                overlaps.incrementAndGet();
                            }
                            seenPerKey.computeIfAbsent(message.path("record").path("id").asInt(), key -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(message.path("record").path("label").asText());
                        }
                        if (!batch.isEmpty()) {
                            batch.forEach(message -> inFlight.remove(message.path("id").asText()));
                            List<String> outcomes = ack(fixture, ackIds(batch));
                            assertThat(outcomes).containsOnly("ok");
                            acked.addAndGet(batch.size());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> receiver : receivers) {
                receiver.get(300, TimeUnit.SECONDS);
            }
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(overlaps.get()).as("no message held by two receivers at once").isZero();
        assertThat(acked.get()).isEqualTo(total);
        assertThat(seenPerKey).hasSize(keys);
        List<String> expected = IntStream.range(0, versions).mapToObj(version -> "v" + version).toList();
        seenPerKey.forEach((key, labels) -> assertThat(labels).as("key %d in order", key).containsExactlyElementsOf(expected));
    }

    @Test
    void aMessageDeliveredMaxDeliverTimesBecomesADeadLetterWithoutBlockingItsKey()
    {
        Fixture fixture = fixture("dead", ", \"visibility_timeout_seconds\": 1, \"max_deliver\": 2");
        SOURCE.execute(SourcePostgres.DATABASE, "insert into " + fixture.table + " values (1, 'poison')");
        SOURCE.execute(SourcePostgres.DATABASE, "update " + fixture.table + " set label = 'next' where id = 1");
        assertThat(receive(fixture, 1, 10)).extracting(message -> message.path("record").path("label").asText()).containsExactly("poison");
        assertThat(receive(fixture, 1, 10)).extracting(message -> message.path("record").path("label").asText()).containsExactly("poison");
        List<JsonNode> third = receive(fixture, 1, 10);
        assertThat(third).as("after two deliveries the poison message is set aside and its key moves on")
                .extracting(message -> message.path("record").path("label").asText()).containsExactly("next");
        ack(fixture, ackIds(third));

        Reply letters = SERVER.request("GET", "/v1/consumers/" + fixture.consumer + "/dead-letters", fixture.token, null);
        assertThat(letters.status()).isEqualTo(200);
        assertThat(letters.json().path("data")).hasSize(1);
        JsonNode letter = letters.json().path("data").get(0);
        assertThat(letter.path("reason").asText()).contains("2 deliveries");
        assertThat(letter.path("message").path("record").path("label").asText()).isEqualTo("poison");
        assertThat(status(fixture).path("dead_letters").asLong()).isEqualTo(1);

        Reply redriven = SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/dead-letters/redrive", fixture.token, "{\"all\": true}");
        assertThat(redriven.json().path("count").asLong()).isEqualTo(1);
        List<JsonNode> back = receive(fixture, 10, 10);
        assertThat(back).extracting(message -> message.path("record").path("label").asText()).containsExactly("poison");
        assertThat(back.get(0).path("metadata").path("deliver_count").asInt()).isEqualTo(1);
        ack(fixture, ackIds(back));

        SOURCE.execute(SourcePostgres.DATABASE, "insert into " + fixture.table + " values (2, 'poison')");
        receive(fixture, 1, 10);
        receive(fixture, 1, 10);
        assertThat(receive(fixture, 1, 3)).isEmpty();
        Reply discarded = SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/dead-letters/discard", fixture.token, "{\"all\": true}");
        assertThat(discarded.json().path("count").asLong()).isEqualTo(1);
        assertThat(status(fixture).path("dead_letters").asLong()).isZero();
        assertThat(SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/dead-letters/discard", fixture.token, "{}").status()).isEqualTo(422);
    }

    @Test
    void aLuaTransformReshapesMessagesAndSendsTheOnesItFailsOnToTheDeadLetters()
    {
        String lua = """
                function transform(action, record, changes, metadata)
                  if record.label == 'bad' then error('label is bad') end
                  if record.label == 'loop' then while true do end end
                  if record.label == 'odd' then return string.find(record.label, '[a') end
                  return { id = record.id, shout = string.upper(record.label), op = action, tbl = metadata.table_name }
                end
                """;
        Fixture fixture = fixture("lua", ", \"transform\": " + TextNode.valueOf(lua));
        SOURCE.execute(SourcePostgres.DATABASE, "insert into " + fixture.table + " values (1, 'ok'), (2, 'bad'), (3, 'loop'), (4, 'fine'), (5, 'odd')");

        List<JsonNode> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            received.addAll(receive(fixture, 10, 1));
            return received.size() >= 2;
        });
        assertThat(received).extracting(message -> message.path("transformed").path("id").asInt() + " " + message.path("transformed").path("shout").asText()
                + " " + message.path("transformed").path("op").asText() + " " + message.path("transformed").path("tbl").asText())
                .containsExactly("1 OK insert pull_lua", "4 FINE insert pull_lua");
        assertThat(received.get(0).path("record").path("label").asText()).as("the record is kept beside the transform's output").isEqualTo("ok");
        Reply letters = SERVER.request("GET", "/v1/consumers/" + fixture.consumer + "/dead-letters", fixture.token, null);
        assertThat(letters.json().path("data")).extracting(letter -> letter.path("message").path("record").path("id").asInt() + ": " + letter.path("reason").asText())
                .satisfiesExactly(
                        first -> assertThat(first).startsWith("2: ").contains("label is bad"),
                        second -> assertThat(second).startsWith("3: ").contains("Lua instructions"),
                        // the Lua runtime itself fails on this one (a malformed pattern throws inside it): the message's failure, not the receive's
                        third -> assertThat(third).startsWith("5: ").contains("the transform failed unexpectedly"));
    }

    @Test
    void theConsumeScopeIsEnoughToReceiveAndNothingElse()
    {
        Fixture fixture = fixture("scope", "");
        String consume = SERVER.request("POST", "/v1/tokens", fixture.token, "{\"name\":\"worker\",\"scopes\":[\"consume\"]}").json().path("secret").asText();
        String read = SERVER.request("POST", "/v1/tokens", fixture.token, "{\"name\":\"reader\",\"scopes\":[\"read\"]}").json().path("secret").asText();
        SOURCE.execute(SourcePostgres.DATABASE, "insert into " + fixture.table + " values (1, 'x')");
        Reply received = SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/receive", consume, "{\"wait_seconds\": 10}");
        assertThat(received.status()).isEqualTo(200);
        assertThat(received.json().path("data")).hasSize(1);
        assertThat(SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/ack", consume,
                "{\"ack_ids\":[\"" + received.json().path("data").get(0).path("ack_id").asText() + "\"]}").status()).isEqualTo(200);
        assertThat(SERVER.request("GET", "/v1/consumers/" + fixture.consumer, consume, null).status()).isEqualTo(403);
        assertThat(SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/receive", read, "{}").status()).isEqualTo(403);
    }

    private static Fixture fixture(String name, String extra)
    {
        Account account = SERVER.newAccount("pull-" + name);
        String table = "pull_" + name;
        SOURCE.execute(SourcePostgres.DATABASE, "create table if not exists " + table + " (id bigint primary key, label text)");
        String source = ConsumersIT.createSource(account);
        Reply consumer = SERVER.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"" + name + "\",\"source_id\":\"" + source + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"" + table + "\"}]" + extra + "}");
        assertThat(consumer.status()).as(consumer.body()).isEqualTo(201);
        return new Fixture(account.token(), consumer.json().path("id").asText(), table);
    }

    private static List<JsonNode> receive(Fixture fixture, int batchSize, int waitSeconds)
    {
        Reply reply = SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/receive", fixture.token,
                "{\"batch_size\": " + batchSize + ", \"wait_seconds\": " + waitSeconds + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return StreamSupport.stream(reply.json().path("data").spliterator(), false).toList();
    }

    private static List<String> ack(Fixture fixture, List<String> ackIds)
    {
        StringBuilder body = new StringBuilder("{\"ack_ids\":[");
        for (int i = 0; i < ackIds.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(ackIds.get(i)).append('"');
        }
        Reply reply = SERVER.request("POST", "/v1/consumers/" + fixture.consumer + "/ack", fixture.token, body.append("]}").toString());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return StreamSupport.stream(reply.json().path("data").spliterator(), false).map(node -> node.path("status").asText()).toList();
    }

    private static List<String> ackIds(List<JsonNode> messages)
    {
        return messages.stream().map(message -> message.path("ack_id").asText()).toList();
    }

    private static JsonNode status(Fixture fixture)
    {
        return SERVER.request("GET", "/v1/consumers/" + fixture.consumer + "/status", fixture.token, null).json();
    }

    private record Fixture(String token, String consumer, String table) {}

    /** Whether a thread of the server waits for new messages inside a pull receive. */
    private static boolean aReceiveWaitsForASignal()
    {
        return Thread.getAllStackTraces().values().stream().anyMatch(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(MessageSignals.class.getName())
                && frame.getMethodName().equals("await")) && Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(DeliveryService.class.getName())
                && frame.getMethodName().equals("receive")));
    }
}
