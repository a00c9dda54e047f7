package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.secret.SecretBox;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No secret leaves Sluice: a control plane and a worker, logging at INFO (Sluice itself at DEBUG) with the
 * request log on, go through sources (one with a wrong password), secret headers, signing secrets, tokens,
 * failing and succeeding webhooks, pulls and metrics; then everything they logged and answered is searched
 * for every secret they were given.
 */
class SecretsIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourcePostgres SOURCE = SourcePostgres.logical();

    private final List<String> responses = new ArrayList<>();
    private SluiceProcesses processes;

    @TempDir
    Path directory;

    @Test
    void noSecretAppearsInAnyLogLineResponseOrMetric()
            throws Exception
    {
        String operatorToken = "op_" + UUID.randomUUID();
        String encryptionKey = SecretBox.generateKey();
        String secretHeader = "sk-live-" + UUID.randomUUID();
        String signingKey = Base64.getEncoder().encodeToString(("signing-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        String wrongPassword = "wrong-" + UUID.randomUUID();
        processes = new SluiceProcesses(directory);
        AtomicInteger webhookCalls = new AtomicInteger();
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            // the first delivery fails, so the retry path logs too
            exchange.sendResponseHeaders(webhookCalls.incrementAndGet() == 1 ? 500 : 200, -1);
            exchange.close();
        });
        target.start();
        try (EmbeddedPostgres metadata = EmbeddedPostgres.builder().start()) {
            Path config = processes.writeConfig(metadata.getPort(), encryptionKey, """
                    dataPlane:
                      leaseTtl: 3s
                      tickInterval: 1s
                      retryBackoff: 100ms
                    logging:
                      level: INFO
                      loggers:
                        dev.sluice: DEBUG
                    """);
            String api = processes.startControlPlane(config, operatorToken);
            int workerPort = freePort();
            start(config, "data-plane", workerPort, operatorToken, "worker.log");

            JsonNode account = json(send("POST", api + "/v1/accounts", operatorToken, "{\"name\":\"secretive\"}"));
            String token = account.path("token").path("secret").asText();
            String readToken = json(send("POST", api + "/v1/tokens", token, "{\"name\":\"reader\",\"scopes\":[\"read\"]}")).path("secret").asText();
            assertThat(readToken).startsWith("slc_");
            // creating an account or a token shows its secret once, by design; every answer after that is searched
            responses.clear();

            String table = "secret_items";
            SOURCE.execute(SourcePostgres.DATABASE, "create table if not exists " + table + " (id int primary key, label text)");
            HttpResponse<String> refused = send("POST", api + "/v1/sources", token, """
                    {"name": "wrong", "host": "127.0.0.1", "port": %d, "database": "%s", "username": "%s", "password": "%s", "ssl_mode": "disable"}
                    """.formatted(SOURCE.port(), SourcePostgres.DATABASE, SourcePostgres.REPLICATOR, wrongPassword));
            assertThat(refused.statusCode()).isEqualTo(422);
            HttpResponse<String> created = send("POST", api + "/v1/sources", token, SOURCE.sourceJson("db", ""));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String sourceId = json(created).path("id").asText();
            HttpResponse<String> endpoint = send("POST", api + "/v1/http-endpoints", token, """
                    {"name": "hooks", "url": "http://127.0.0.1:%d/in", "secret_headers": {"X-Api-Key": "%s"}, "signing_secret": "whsec_%s"}
                    """.formatted(target.getAddress().getPort(), secretHeader, signingKey));
            assertThat(endpoint.statusCode()).as(endpoint.body()).isEqualTo(201);
            assertThat(send("POST", api + "/v1/consumers", token, """
                    {"name": "pushed", "source_id": "%s", "kind": "push", "tables": [{"table": "%s"}], "endpoint_id": "hooks"}
                    """.formatted(sourceId, table)).statusCode()).isEqualTo(201);
            assertThat(send("POST", api + "/v1/consumers", token, """
                    {"name": "pulled", "source_id": "%s", "kind": "pull", "tables": [{"table": "%s"}]}
                    """.formatted(sourceId, table)).statusCode()).isEqualTo(201);

            SOURCE.execute(SourcePostgres.DATABASE, "insert into " + table + " values (1, 'a')");
            await().atMost(Duration.ofSeconds(90)).until(() -> webhookCalls.get() >= 2);
            JsonNode pulled = json(send("POST", api + "/v1/consumers/pulled/receive", token, "{\"batch_size\":10,\"wait_seconds\":10}"));
            assertThat(pulled.path("data")).hasSize(1);
            send("POST", api + "/v1/consumers/pulled/ack", token, "{\"ack_ids\":[\"" + pulled.path("data").get(0).path("ack_id").asText() + "\"]}");
            for (String path : List.of("/v1/sources/db", "/v1/sources/db/status", "/v1/http-endpoints/hooks", "/v1/consumers/pushed/status", "/v1/tokens", "/v1/me")) {
                send("GET", api + path, readToken, null);
            }
            send("PATCH", api + "/v1/sources/db", token, "{\"password\":\"" + wrongPassword + "\"}");
            send("GET", api + "/admin/prometheus", operatorToken, null);
            send("GET", "http://127.0.0.1:" + workerPort + "/admin/prometheus", operatorToken, null);
            send("GET", "http://127.0.0.1:" + workerPort + "/admin/healthcheck", null, null);

            stopAll();
            Map<String, String> secrets = Map.of(
                    "source password", SourcePostgres.REPLICATOR_PASSWORD,
                    "wrong source password", wrongPassword,
                    "secret header", secretHeader,
                    "signing secret", signingKey,
                    "account token", token,
                    "read token", readToken,
                    "operator token", operatorToken,
                    "encryption key", encryptionKey);
            StringBuilder logs = new StringBuilder();
            for (String log : List.of("control-plane.log", "worker.log", "migrate.log")) {
                logs.append(Files.readString(directory.resolve(log)));
            }
            assertThat(logs).as("the logs say what happened").contains("streaming source " + sourceId).contains("POST /v1/sources");
            String answered = String.join("\n", responses);
            assertThat(answered).contains("sluice_consumer_messages_acked_total");
            secrets.forEach((name, secret) -> {
                assertThat(logs.indexOf(secret)).as("%s in the logs", name).isEqualTo(-1);
                assertThat(answered).as("%s in a response", name).doesNotContain(secret);
            });
        }
        finally {
            stopAll();
            target.stop(0);
        }
    }

    private Process start(Path config, String command, int port, String operatorToken, String log)
            throws IOException
    {
        return processes.start(config, command, port, operatorToken, log);
    }

    private void stopAll()
            throws InterruptedException
    {
        processes.close();
    }

    private HttpResponse<String> send(String method, String url, String token, String body)
            throws IOException, InterruptedException
    {
        HttpResponse<String> response = processes.send(method, url, token, body);
        responses.add(response.headers().map() + "\n" + response.body());
        return response;
    }

    private static JsonNode json(HttpResponse<String> response)
            throws IOException
    {
        return JSON.readTree(response.body());
    }

    private static int freePort()
            throws IOException
    {
        return SluiceProcesses.freePort();
    }
}
