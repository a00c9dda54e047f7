package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.secret.SecretBox;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end, as a user would see it: an endpoint created without a secret gets one, the data plane signs every
 * push with it, and the Python reference implementation of Standard Webhooks ({@code data-plane/scripts/standardwebhooks.sh})
 * verifies the requests with the secret the API showed; after a rotation requests verify with the new secret and the old.
 */
class SignedWebhooksIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourcePostgres SOURCE = SourcePostgres.logical();

    @TempDir
    Path directory;

    @Test
    void pushesAreSignedByDefaultAndVerifyWithTheReferenceLibraryAcrossARotation()
            throws Exception
    {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            received.add(new Received(headers, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        target.start();
        String operatorToken = "op_signed";
        try (SluiceProcesses processes = new SluiceProcesses(directory); EmbeddedPostgres metadata = EmbeddedPostgres.builder().start()) {
            Path config = processes.writeConfig(metadata.getPort(), SecretBox.generateKey(), """
                    dataPlane:
                      leaseTtl: 3s
                      tickInterval: 1s
                    """);
            String api = processes.startControlPlane(config, operatorToken);
            processes.start(config, "data-plane", SluiceProcesses.freePort(), operatorToken, "worker.log");

            String token = json(processes.send("POST", api + "/v1/accounts", operatorToken, "{\"name\":\"signed\"}").body()).path("token").path("secret").asText();
            String table = "signed_items";
            SOURCE.execute(SourcePostgres.DATABASE, "create table if not exists " + table + " (id int primary key, label text)");
            String sourceId = json(processes.send("POST", api + "/v1/sources", token, SOURCE.sourceJson("db", "")).body()).path("id").asText();
            JsonNode endpoint = json(processes.send("POST", api + "/v1/http-endpoints", token,
                    "{\"name\":\"hooks\",\"url\":\"http://127.0.0.1:" + target.getAddress().getPort() + "/in\"}").body());
            String first = endpoint.path("signing_secret").asText();
            assertThat(first).startsWith("whsec_");
            assertThat(processes.send("POST", api + "/v1/consumers", token, """
                    {"name": "pushed", "source_id": "%s", "kind": "push", "tables": [{"table": "%s"}], "endpoint_id": "hooks"}
                    """.formatted(sourceId, table)).statusCode()).isEqualTo(201);

            SOURCE.execute(SourcePostgres.DATABASE, "insert into " + table + " values (1, 'before the rotation')");
            await().atMost(Duration.ofSeconds(90)).until(() -> received.size() >= 1);
            String second = json(processes.send("POST", api + "/v1/http-endpoints/hooks/rotate-signing-secret", token, null).body()).path("signing_secret").asText();
            SOURCE.execute(SourcePostgres.DATABASE, "insert into " + table + " values (2, 'after the rotation')");
            await().atMost(Duration.ofSeconds(60)).until(() -> received.stream().anyMatch(request -> request.body().contains("after the rotation")));

            Received before = received.get(0);
            Received after = received.stream().filter(request -> request.body().contains("after the rotation")).findFirst().orElseThrow();
            assertThat(before.headers()).containsKeys("webhook-id", "webhook-timestamp", "webhook-signature");
            assertThat(verify(List.of(
                    Map.of("secret", first, "headers", before.headers(), "body", before.body()),
                    Map.of("secret", second, "headers", after.headers(), "body", after.body()),
                    Map.of("secret", first, "headers", after.headers(), "body", after.body()),
                    Map.of("secret", second, "headers", before.headers(), "body", before.body()))))
                    .as("the first request with its secret; the one after the rotation with the new secret and, within 24 hours, the old; "
                            + "the first is not signed with a secret made after it")
                    .containsExactly("verified", "verified", "verified", "refused: No matching signature found");
        }
        finally {
            target.stop(0);
        }
    }

    private static List<String> verify(List<Map<String, Object>> requests)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder("bash", Path.of("..", "data-plane", "scripts", "standardwebhooks.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream input = process.getOutputStream()) {
            for (Map<String, Object> request : requests) {
                input.write(JSON.writeValueAsBytes(request));
                input.write('\n');
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().toList();
    }

    private static JsonNode json(String body)
            throws IOException
    {
        return JSON.readTree(body);
    }

    private record Received(Map<String, String> headers, String body) {}
}
