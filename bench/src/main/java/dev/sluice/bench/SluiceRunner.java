package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.server.SluiceApplication;
import dev.sluice.server.SluiceConfiguration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * Sluice as it runs in production, in this JVM: the control plane and a data-plane worker over an embedded
 * metadata Postgres (kept in a folder, so it can be stopped and started again), driven over its HTTP API.
 */
final class SluiceRunner
        implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDirectory;
    private final String operatorToken = "op_bench_" + UUID.randomUUID();
    private final String encryptionKey = SecretBox.generateKey();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private DropwizardTestSupport<SluiceConfiguration> support;
    private String baseUrl;
    private String token;
    private final int metadataPort = freePort();

    SluiceRunner(Path dataDirectory)
    {
        this.dataDirectory = dataDirectory;
    }

    void start()
    {
        support = new DropwizardTestSupport<>(SluiceApplication.class, (String) null,
                ConfigOverride.config("embeddedPostgres.enabled", "true"),
                ConfigOverride.config("embeddedPostgres.dataDirectory", dataDirectory.resolve("metadata").toString()),
                ConfigOverride.config("embeddedPostgres.port", Integer.toString(metadataPort)),
                ConfigOverride.config("operatorToken", operatorToken),
                ConfigOverride.config("encryptionKey", encryptionKey),
                ConfigOverride.config("allowPrivateWebhookTargets", "true"),
                ConfigOverride.config("server.connector.port", "0"),
                ConfigOverride.config("server.connector.bindHost", "127.0.0.1"),
                ConfigOverride.config("logging.level", "WARN"));
        try {
            support.before();
        }
        catch (Exception e) {
            throw new IllegalStateException("cannot start Sluice", e);
        }
        baseUrl = "http://127.0.0.1:" + support.getLocalPort();
    }

    void stop()
    {
        if (support != null) {
            support.after();
            support = null;
        }
    }

    /** Creates the benchmark's account and keeps its token. */
    void createAccount()
    {
        token = call("POST", "/v1/accounts", operatorToken, "{\"name\":\"bench\"}").path("token").path("secret").asText();
    }

    String createSource(SourceDb source)
    {
        return call("POST", "/v1/sources", token, """
                {"name": "bench", "host": "127.0.0.1", "port": %d, "database": "%s", "username": "%s", "password": "%s", "ssl_mode": "disable"}
                """.formatted(source.port(), SourceDb.DATABASE, SourceDb.USER, SourceDb.PASSWORD)).path("id").asText();
    }

    void createEndpoint(String url)
    {
        call("POST", "/v1/http-endpoints", token, "{\"name\":\"sink\",\"url\":\"" + url + "\"}");
    }

    void createPushConsumer(String name, String sourceId, int batchSize)
    {
        call("POST", "/v1/consumers", token, """
                {"name": "%s", "source_id": "%s", "kind": "push", "tables": [{"table": "%s"}], "endpoint_id": "sink", "batch_size": %d,
                 "max_ack_pending": 100000, "actions": ["insert", "update", "delete"]}
                """.formatted(name, sourceId, SourceDb.TABLE, batchSize));
    }

    void createPullConsumer(String name, String sourceId)
    {
        call("POST", "/v1/consumers", token, """
                {"name": "%s", "source_id": "%s", "kind": "pull", "tables": [{"table": "%s"}], "max_ack_pending": 100000, "visibility_timeout_seconds": 300}
                """.formatted(name, sourceId, SourceDb.TABLE));
    }

    /** Creates a consumer from its JSON as the API takes it. */
    void createConsumer(String json)
    {
        call("POST", "/v1/consumers", token, json);
    }

    JsonNode consumerStatus(String consumer)
    {
        return call("GET", "/v1/consumers/" + consumer + "/status", token, null);
    }

    JsonNode backfills(String consumer)
    {
        return call("GET", "/v1/consumers/" + consumer + "/backfills", token, null);
    }

    /** A number the metadata store answers (sizes of its tables, say), read over a connection of its own. */
    long metadataNumber(String sql)
    {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + metadataPort + "/postgres", "postgres", "");
                Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void deleteConsumer(String name)
    {
        send("DELETE", "/v1/consumers/" + name, token, null);
    }

    void setActive(String consumer, boolean active)
    {
        call("PATCH", "/v1/consumers/" + consumer, token, "{\"status\":\"" + (active ? "active" : "paused") + "\"}");
    }

    JsonNode sourceStatus(String sourceId)
    {
        return call("GET", "/v1/sources/" + sourceId + "/status", token, null);
    }

    long backlog(String consumer)
    {
        return call("GET", "/v1/consumers/" + consumer + "/status", token, null).path("backlog").asLong();
    }

    JsonNode receive(String consumer, int batchSize)
    {
        return call("POST", "/v1/consumers/" + consumer + "/receive", token, "{\"batch_size\":" + batchSize + "}").path("data");
    }

    void ack(String consumer, String ackIdsJson)
    {
        call("POST", "/v1/consumers/" + consumer + "/ack", token, "{\"ack_ids\":" + ackIdsJson + "}");
    }

    JsonNode call(String method, String path, String bearer, String body)
    {
        HttpResponse<String> response = send(method, path, bearer, body);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(String method, String path, String bearer, String body)
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + bearer);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close()
    {
        stop();
    }
}
