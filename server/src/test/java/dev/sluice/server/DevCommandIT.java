package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the packaged jar's {@code dev} command as a user would, twice over the same data directory: it
 * serves the API with the token it printed, offers a demo source database, and keeps its data.
 */
class DevCommandIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDirectory;

    @Test
    void devModeServesTheApiAndKeepsItsDataAcrossRestarts()
            throws Exception
    {
        Path jar = Path.of("target", "sluice.jar").toAbsolutePath();
        assertThat(jar).as("the packaged server jar").exists();

        String sourceId;
        String token;
        Process first = start(jar);
        try {
            JsonNode state = awaitState(first);
            token = state.path("token").asText();
            String baseUrl = state.path("base_url").asText();
            assertThat(Files.readString(dataDirectory.resolve("dev.log"))).contains("Sluice is running", token);

            HttpResponse<String> me = get(baseUrl + "/v1/me", token);
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(me.body()).path("account_name").asText()).isEqualTo("dev");

            JsonNode demo = state.path("demo_database");
            String body = """
                    {"name": "demo", "host": "%s", "port": %d, "database": "%s", "username": "%s", "password": "%s"}
                    """.formatted(demo.path("host").asText(), demo.path("port").asInt(), demo.path("database").asText(),
                    demo.path("username").asText(), demo.path("password").asText());
            HttpRequest create = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/sources"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").header("Idempotency-Key", "first-source")
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> created = http.send(create, HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            sourceId = JSON.readTree(created.body()).path("id").asText();
            HttpResponse<String> retried = http.send(create, HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(retried.body()).path("id").asText()).as("a retried create returns the first source").isEqualTo(sourceId);
            String slot = JSON.readTree(created.body()).path("slot_name").asText();
            try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + demo.path("port").asInt() + "/demo",
                    demo.path("username").asText(), demo.path("password").asText());
                    ResultSet slots = connection.createStatement().executeQuery("select slot_name from pg_replication_slots where slot_name like 'sluice_%'")) {
                List<String> names = new ArrayList<>();
                while (slots.next()) {
                    names.add(slots.getString(1));
                }
                assertThat(names).as("one slot, made once").containsExactly(slot);
            }
        }
        finally {
            stop(first);
        }

        Files.delete(dataDirectory.resolve("dev.json"));
        Process second = start(jar);
        try {
            JsonNode state = awaitState(second);
            assertThat(state.path("token").asText()).as("a new token is minted when dev.json is gone").isNotEqualTo(token);
            HttpResponse<String> source = get(state.path("base_url").asText() + "/v1/sources/demo", state.path("token").asText());
            assertThat(source.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(source.body()).path("id").asText()).isEqualTo(sourceId);
            assertThat(get(state.path("base_url").asText() + "/v1/me", token).statusCode()).as("the first token still works").isEqualTo(200);
        }
        finally {
            stop(second);
        }
    }

    @Test
    void demoModeShowsMessagesWithinAMinuteThroughPullAndPush()
            throws Exception
    {
        Path jar = Path.of("target", "sluice.jar").toAbsolutePath();
        List<String> webhooks = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            webhooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        Process process = start(jar, "--demo");
        try {
            JsonNode state = awaitState(process);
            String baseUrl = state.path("base_url").asText();
            String token = state.path("token").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dataDirectory.resolve("dev.log")).contains("/v1/consumers/demo-orders/receive"));

            HttpResponse<String> received = post(baseUrl + "/v1/consumers/demo-orders/receive", token, "{\"batch_size\": 10, \"wait_seconds\": 20}");
            assertThat(received.statusCode()).as(received.body()).isEqualTo(200);
            JsonNode messages = JSON.readTree(received.body()).path("data");
            assertThat(messages.size()).isPositive();
            assertThat(messages.get(0).path("metadata").path("table_name").asText()).isEqualTo("demo_orders");
            HttpResponse<String> acked = post(baseUrl + "/v1/consumers/demo-orders/ack", token,
                    "{\"ack_ids\": [\"" + messages.get(0).path("ack_id").asText() + "\"]}");
            assertThat(JSON.readTree(acked.body()).path("data").get(0).path("status").asText()).isEqualTo("ok");

            HttpResponse<String> endpoint = post(baseUrl + "/v1/http-endpoints", token,
                    "{\"name\": \"local\", \"url\": \"http://127.0.0.1:" + receiver.getAddress().getPort() + "\"}");
            assertThat(endpoint.statusCode()).as(endpoint.body()).isEqualTo(201);
            HttpResponse<String> push = post(baseUrl + "/v1/consumers", token,
                    "{\"name\": \"orders-hook\", \"source_id\": \"demo\", \"kind\": \"push\", \"endpoint_id\": \"local\", \"path\": \"/orders\", \"tables\": [{\"table\": \"demo_orders\"}]}");
            assertThat(push.statusCode()).as(push.body()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(60)).until(() -> !webhooks.isEmpty());
            assertThat(JSON.readTree(webhooks.get(0)).path("metadata").path("table_name").asText()).isEqualTo("demo_orders");
        }
        finally {
            stop(process);
            receiver.stop(0);
        }
    }

    private HttpResponse<String> post(String url, String token, String body)
            throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Process start(Path jar, String... extra)
            throws IOException
    {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString(), "dev", "--data-dir", dataDirectory.toString(), "--port", "0"));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDirectory.resolve("dev.log").toFile()))
                .start();
    }

    private JsonNode awaitState(Process process)
    {
        Path state = dataDirectory.resolve("dev.json");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(process.isAlive()).as("dev process died; see " + dataDirectory.resolve("dev.log")).isTrue();
            return Files.exists(state);
        });
        try {
            return JSON.readTree(state.toFile());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String url, String token)
            throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void stop(Process process)
            throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
