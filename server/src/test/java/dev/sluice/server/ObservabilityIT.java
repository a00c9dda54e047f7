package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What an operator sees: Prometheus metrics that follow a consumer's messages, health checks, the admin guard, the API docs. */
class ObservabilityIT
{
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final TestServer server = TestServer.get();
    private final SourcePostgres source = SourcePostgres.logical();

    @Test
    void metricsFollowEveryMessageOfAConsumer()
    {
        Account account = server.newAccount("metrics");
        String table = "metered_" + UUID.randomUUID().toString().substring(0, 8);
        source.execute(SourcePostgres.DATABASE, "create table " + table + " (id int primary key, label text)");
        String sourceId = created(server.request("POST", "/v1/sources", account.token(), source.sourceJson("metered", "")));
        String consumerId = created(server.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"metered\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"" + table + "\"}]}"));
        String dlqId = created(server.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"once\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"" + table + "\"}],\"max_deliver\":1,"
                        + "\"filter\":\"id = 1\"}"));

        IntStream.rangeClosed(1, 20).forEach(id -> source.execute(SourcePostgres.DATABASE, "insert into " + table + " values (" + id + ", 'x')"));
        await().atMost(Duration.ofSeconds(60)).until(() -> sample("sluice_consumer_messages_stored_total", Map.of("consumer", consumerId)).orElse(0) == 20);

        // receive all, hand five back, receive those again, ack everything
        List<JsonNode> first = receive(account, "metered", 20);
        assertThat(first).hasSize(20);
        nack(account, "metered", first.subList(0, 5));
        List<JsonNode> again = receive(account, "metered", 5);
        assertThat(again).hasSize(5);
        List<JsonNode> acked = new ArrayList<>(first.subList(5, 20));
        acked.addAll(again);
        ack(account, "metered", acked);

        // the max_deliver 1 consumer: a nacked message is dead-lettered on the next receive
        List<JsonNode> once = receive(account, "once", 1);
        nack(account, "once", once);
        assertThat(server.request("POST", "/v1/consumers/once/receive", account.token(), "{\"batch_size\":10}").json().path("data")).isEmpty();

        Map<String, String> consumer = Map.of("consumer", consumerId);
        assertThat(sample("sluice_source_changes_read_total", Map.of("source", sourceId))).hasValue(20);
        assertThat(sample("sluice_consumer_messages_delivered_total", consumer)).hasValue(25);
        assertThat(sample("sluice_consumer_messages_retried_total", consumer)).hasValue(5);
        assertThat(sample("sluice_consumer_messages_acked_total", consumer)).hasValue(20);
        assertThat(sample("sluice_consumer_delivery_latency_seconds_count", consumer)).hasValue(20);
        assertThat(sample("sluice_consumer_delivery_latency_seconds_bucket", Map.of("consumer", consumerId, "le", "+Inf"))).hasValue(20);
        assertThat(sample("sluice_consumer_messages_dead_lettered_total", Map.of("consumer", dlqId))).hasValue(1);

        // gauges come from the worker that streams the source
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(sample("sluice_consumer_backlog_messages", consumer)).hasValue(0);
            assertThat(sample("sluice_consumer_dead_letters", Map.of("consumer", dlqId))).hasValue(1);
            assertThat(sample("sluice_consumer_info", Map.of("consumer", consumerId, "account", account.id(), "source", sourceId, "kind", "pull"))).hasValue(1);
            assertThat(sample("sluice_lease_held", Map.of("unit", "extract:" + sourceId))).hasValue(1);
            assertThat(sample("sluice_source_slot_lag_bytes", Map.of("source", sourceId))).isPresent();
        });
    }

    @Test
    void aSourceThatGoesAwayMakesTheSourcesHealthCheckFailUntilItIsDeleted()
    {
        Account account = server.newAccount("health");
        SourcePostgres doomed = SourcePostgres.dedicated();
        try {
            doomed.execute(SourcePostgres.DATABASE, "create table doomed (id int primary key)");
            String sourceId = created(server.request("POST", "/v1/sources", account.token(), doomed.sourceJson("doomed", "")));
            created(server.request("POST", "/v1/consumers", account.token(),
                    "{\"name\":\"doomed\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"doomed\"}]}"));
            await().atMost(Duration.ofSeconds(60)).until(() -> "streaming".equals(
                    server.request("GET", "/v1/sources/" + sourceId + "/status", account.token(), null).json().path("state").asText()));
            assertThat(health().path("sources").path("healthy").asBoolean()).isTrue();

            doomed.close();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode sources = health().path("sources");
                assertThat(sources.path("healthy").asBoolean()).isFalse();
                assertThat(sources.path("message").asText()).contains(sourceId);
            });

            assertThat(server.request("DELETE", "/v1/consumers/doomed", account.token(), null).status()).isEqualTo(204);
            Reply deleted = server.request("DELETE", "/v1/sources/" + sourceId, account.token(), null);
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(60)).until(() -> health().path("sources").path("healthy").asBoolean());
        }
        finally {
            doomed.close();
        }
    }

    @Test
    void adminPagesNeedTheOperatorTokenButHealthAndPingDoNot()
    {
        Account account = server.newAccount("admin");
        Reply anonymous = server.request("GET", "/admin/prometheus", null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(anonymous.json().path("detail").asText()).contains("operator token");
        assertThat(server.request("GET", "/admin/prometheus", account.token(), null).status()).isEqualTo(401);
        assertThat(server.request("POST", "/admin/tasks/gc", account.token(), null).status()).isEqualTo(401);
        assertThat(server.request("GET", "/admin/threads", null, null).status()).isEqualTo(401);

        Reply metrics = server.request("GET", "/admin/prometheus", TestServer.OPERATOR_TOKEN, null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        assertThat(server.request("GET", "/admin/ping", null, null).status()).isEqualTo(200);
        assertThat(server.request("GET", "/admin/healthcheck", null, null).json().path("metadata-store").path("healthy").asBoolean()).isTrue();
    }

    @Test
    void theApiSpecAndSwaggerUiAreServedWithoutAToken()
            throws Exception
    {
        Reply spec = server.request("GET", "/openapi.yaml", null, null);
        assertThat(spec.status()).isEqualTo(200);
        assertThat(spec.contentType()).startsWith("application/yaml");
        assertThat(spec.body()).isEqualTo(Files.readString(Path.of("..", "openapi", "openapi.yaml")));

        Reply redirect = server.request("GET", "/docs", null, null);
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.response().headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/docs/"));
        Reply page = server.request("GET", "/docs/", null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui/swagger-ui-bundle.js");
        Reply bundle = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/docs/swagger-ui/swagger-ui-bundle.js")).build());
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.body()).contains("SwaggerUIBundle");
        assertThat(server.request("GET", "/docs/swagger-ui/../../openapi.yaml%00", null, null).status()).isGreaterThanOrEqualTo(400);
        assertThat(server.request("GET", "/docs/swagger-ui/index.html", null, null).status()).isEqualTo(404);
    }

    private JsonNode health()
    {
        return server.request("GET", "/admin/healthcheck", null, null).json();
    }

    private List<JsonNode> receive(Account account, String consumer, int count)
    {
        List<JsonNode> messages = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            server.request("POST", "/v1/consumers/" + consumer + "/receive", account.token(), "{\"batch_size\":" + (count - messages.size()) + ",\"wait_seconds\":1}")
                    .json().path("data").forEach(messages::add);
            return messages.size() >= count;
        });
        return messages;
    }

    private void nack(Account account, String consumer, List<JsonNode> messages)
    {
        assertThat(server.request("POST", "/v1/consumers/" + consumer + "/nack", account.token(), "{\"ack_ids\":" + ackIds(messages) + "}").status()).isEqualTo(200);
    }

    private void ack(Account account, String consumer, List<JsonNode> messages)
    {
        assertThat(server.request("POST", "/v1/consumers/" + consumer + "/ack", account.token(), "{\"ack_ids\":" + ackIds(messages) + "}").status()).isEqualTo(200);
    }

    private static String ackIds(List<JsonNode> messages)
    {
        return messages.stream().map(message -> '"' + message.path("ack_id").asText() + '"').toList().toString();
    }

    private static String created(Reply reply)
    {
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().path("id").asText();
    }

    /** The value of the one sample of {@code name} whose labels include {@code labels}, as Prometheus would scrape it. */
    private OptionalDouble sample(String name, Map<String, String> labels)
    {
        Reply metrics = server.request("GET", "/admin/prometheus", TestServer.OPERATOR_TOKEN, null);
        assertThat(metrics.status()).isEqualTo(200);
        for (String line : metrics.body().split("\n", -1)) {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            Matcher label = LABEL.matcher(sample.group(3) == null ? "" : sample.group(3));
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                return OptionalDouble.of(Double.parseDouble(sample.group(4)));
            }
        }
        return OptionalDouble.empty();
    }
}
