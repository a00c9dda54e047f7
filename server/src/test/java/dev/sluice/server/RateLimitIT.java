package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.secret.SecretBox;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Per-account rate limits on a server of its own, limited to 5 requests per second with a burst of 5. */
class RateLimitIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPERATOR = "op_rate_" + UUID.randomUUID();
    private static DropwizardTestSupport<SluiceConfiguration> support;
    private static String baseUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start()
            throws Exception
    {
        support = new DropwizardTestSupport<>(SluiceApplication.class, (String) null,
                ConfigOverride.config("embeddedPostgres.enabled", "true"),
                ConfigOverride.config("embeddedPostgres.dataDirectory", Files.createTempDirectory("sluice-rate").resolve("postgres").toString()),
                ConfigOverride.config("operatorToken", OPERATOR),
                ConfigOverride.config("encryptionKey", SecretBox.generateKey()),
                ConfigOverride.config("server.connector.port", "0"),
                ConfigOverride.config("server.connector.bindHost", "127.0.0.1"),
                ConfigOverride.config("rateLimit.requestsPerSecond", "5"),
                ConfigOverride.config("rateLimit.burst", "5"),
                ConfigOverride.config("logging.level", "WARN"));
        support.before();
        baseUrl = "http://127.0.0.1:" + support.getLocalPort();
    }

    @AfterAll
    static void stop()
    {
        support.after();
    }

    @Test
    void anAccountOverItsRateGets429WithRetryAfterWhileOthersAndTheOperatorGoOn()
            throws Exception
    {
        String busy = token("busy");
        String quiet = token("quiet");

        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            responses.add(get("/v1/me", busy));
        }
        HttpResponse<String> limited = responses.stream().filter(response -> response.statusCode() == 429).findFirst().orElseThrow();
        assertThat(responses.stream().filter(response -> response.statusCode() == 200).count()).isBetween(5L, 8L);
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 2L));
        assertThat(limited.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(limited.body());
        assertThat(problem.path("code").asText()).isEqualTo("rate_limited");
        assertThat(problem.path("detail").asText()).contains("5 requests per second");

        assertThat(get("/v1/me", quiet).statusCode()).as("another account has its own budget").isEqualTo(200);
        assertThat(get("/v1/accounts", OPERATOR).statusCode()).as("the operator is not limited").isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/v1/me", busy).statusCode() == 200);
    }

    private String token(String name)
            throws IOException, InterruptedException
    {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/accounts"))
                .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        return JSON.readTree(created.body()).path("token").path("secret").asText();
    }

    private HttpResponse<String> get(String path, String token)
            throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
