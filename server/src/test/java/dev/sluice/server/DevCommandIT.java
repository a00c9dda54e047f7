package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/sources"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            sourceId = JSON.readTree(created.body()).path("id").asText();
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

    private Process start(Path jar)
            throws IOException
    {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(), "dev", "--data-dir", dataDirectory.toString(), "--port", "0"))
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
