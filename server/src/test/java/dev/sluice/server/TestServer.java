package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.secret.SecretBox;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * One real Sluice server (Dropwizard over real HTTP, embedded Postgres as metadata store) shared by the
 * integration tests of this JVM, and a small HTTP client for them.
 */
public final class TestServer
{
    public static final String OPERATOR_TOKEN = "op_test_" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer instance;

    private final DropwizardTestSupport<SluiceConfiguration> support;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;

    private TestServer(Path dataDirectory)
            throws Exception
    {
        support = new DropwizardTestSupport<>(SluiceApplication.class, (String) null,
                ConfigOverride.config("embeddedPostgres.enabled", "true"),
                ConfigOverride.config("embeddedPostgres.dataDirectory", dataDirectory.resolve("postgres").toString()),
                ConfigOverride.config("operatorToken", OPERATOR_TOKEN),
                ConfigOverride.config("encryptionKey", SecretBox.generateKey()),
                ConfigOverride.config("allowPrivateWebhookTargets", "false"),
                ConfigOverride.config("server.connector.port", "0"),
                ConfigOverride.config("server.connector.bindHost", "127.0.0.1"),
                ConfigOverride.config("dataPlane.sourceFailingAlert", "1s"),
                // the shared server is hammered by many tests of one account at once; RateLimitIT runs a server of its own
                ConfigOverride.config("rateLimit.requestsPerSecond", "0"),
                ConfigOverride.config("logging.level", "WARN"));
        support.before();
        baseUrl = "http://127.0.0.1:" + support.getLocalPort();
    }

    public static synchronized TestServer get()
    {
        if (instance == null) {
            try {
                Path dataDirectory = Files.createTempDirectory("sluice-it");
                instance = new TestServer(dataDirectory);
                Runtime.getRuntime().addShutdownHook(new Thread(instance.support::after));
            }
            catch (Exception e) {
                throw new IllegalStateException("cannot start the test server", e);
            }
        }
        return instance;
    }

    public String baseUrl()
    {
        return baseUrl;
    }

    public SluiceApplication application()
    {
        return support.getApplication();
    }

    /** Creates a fresh account and returns its first (all-scopes) token. */
    public Account newAccount(String prefix)
    {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Reply reply = request("POST", "/v1/accounts", OPERATOR_TOKEN, "{\"name\":\"" + name + "\"}");
        if (reply.status() != 201) {
            throw new IllegalStateException("cannot create account: " + reply);
        }
        return new Account(reply.json().path("account").path("id").asText(), name, reply.json().path("token").path("secret").asText());
    }

    public Reply request(String method, String path, String token, String body)
    {
        return request(method, path, token, body, null);
    }

    public Reply request(String method, String path, String token, String body, String idempotencyKey)
    {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            builder.header("Idempotency-Key", idempotencyKey);
        }
        if (body != null) {
            builder.header("Content-Type", "application/json");
            builder.method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return send(builder.build());
    }

    public Reply send(HttpRequest request)
    {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body(), response);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An account created for a test, with its all-scopes token. */
    public record Account(String id, String name, String token) {}

    /** An HTTP response with its body parsed on demand. */
    public record Reply(int status, String contentType, String body, HttpResponse<String> response)
    {
        public JsonNode json()
        {
            try {
                return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            }
            catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }

        @Override
        public String toString()
        {
            return status + " " + body;
        }
    }
}
