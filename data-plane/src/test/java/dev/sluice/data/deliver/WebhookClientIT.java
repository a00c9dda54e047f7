package dev.sluice.data.deliver;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.net.WebhookTargets;
import dev.sluice.data.deliver.WebhookTarget.Answer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook client against real local HTTP servers: redirects, timeouts, and the private-address guard. */
class WebhookClientIT
{
    @Test
    void followsRedirectsToAllowedTargets()
            throws IOException
    {
        try (WebhookTarget target = new WebhookTarget()) {
            HttpServer redirector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            redirector.createContext("/", exchange -> {
                exchange.getResponseHeaders().add("Location", target.url() + "/moved");
                exchange.sendResponseHeaders(307, -1);
                exchange.close();
            });
            redirector.start();
            try {
                WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofSeconds(5));
                WebhookClient.Result result = client.post("http://127.0.0.1:" + redirector.getAddress().getPort() + "/hook", Map.of(), "{\"a\":1}");
                assertThat(result.succeeded()).as(result.describe()).isTrue();
                assertThat(target.requests()).singleElement().satisfies(request -> {
                    assertThat(request.path()).isEqualTo("/moved");
                    assertThat(request.body()).isEqualTo("{\"a\":1}");
                });
            }
            finally {
                redirector.stop(0);
            }
        }
    }

    @Test
    void refusesPrivateTargetsWhenTheOperatorForbidsThemWithoutCallingThem()
    {
        try (WebhookTarget target = new WebhookTarget()) {
            WebhookClient client = new WebhookClient(new WebhookTargets(false), Duration.ofSeconds(5));
            WebhookClient.Result result = client.post(target.url() + "/hook", Map.of(), "{}");
            assertThat(result.succeeded()).isFalse();
            assertThat(result.describe()).contains("private address (127.0.0.1)");
            assertThat(target.requests()).isEmpty();
        }
    }

    @Test
    void aTargetThatDoesNotAnswerInTimeIsAFailureNotAHang()
    {
        try (WebhookTarget target = new WebhookTarget()) {
            target.answer(request -> Answer.respondAfter(Duration.ofSeconds(5), 200));
            WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofMillis(500));
            long started = System.nanoTime();
            WebhookClient.Result result = client.post(target.url(), Map.of(), "{}");
            assertThat(result.succeeded()).isFalse();
            assertThat(result.describe()).contains("no response");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void aSlowAnswerWithinTheTimeoutSucceeds()
    {
        try (WebhookTarget target = new WebhookTarget()) {
            target.answer(request -> Answer.respondAfter(Duration.ofMillis(300), 204));
            WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofSeconds(5));
            assertThat(client.post(target.url(), Map.of(), "{}").succeeded()).isTrue();
        }
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsAFailure()
    {
        try (WebhookTarget target = new WebhookTarget()) {
            target.answer(request -> Answer.hangUp());
            WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofSeconds(5));
            WebhookClient.Result result = client.post(target.url(), Map.of(), "{}");
            assertThat(result.succeeded()).isFalse();
            assertThat(result.describe()).startsWith("request failed");
        }
    }
}
