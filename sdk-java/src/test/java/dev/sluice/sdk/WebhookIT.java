package dev.sluice.sdk;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.sdk.model.ConsumerCreate;
import dev.sluice.sdk.model.ConsumerKind;
import dev.sluice.sdk.model.HttpEndpoint;
import dev.sluice.sdk.model.HttpEndpointCreate;
import dev.sluice.sdk.model.SluiceConsumer;
import dev.sluice.sdk.model.TableSelection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A push consumer of the demo table POSTs signed webhooks to a receiver in the test; WebhookVerifier checks them. */
@ExtendWith(DevServer.Extension.class)
class WebhookIT
{
    /** What the receiver got: the three signature headers and the body as sent. */
    private record Delivery(Map<String, String> headers, byte[] body) {}

    private final SluiceClient client;

    WebhookIT(DevServer server)
    {
        this.client = server.client();
    }

    @Test
    void verifiesTheSignatureOfAPushedMessage()
            throws Exception
    {
        BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            Map<String, String> headers = Map.of(
                    WebhookVerifier.ID_HEADER, String.valueOf(exchange.getRequestHeaders().getFirst(WebhookVerifier.ID_HEADER)),
                    WebhookVerifier.TIMESTAMP_HEADER, String.valueOf(exchange.getRequestHeaders().getFirst(WebhookVerifier.TIMESTAMP_HEADER)),
                    WebhookVerifier.SIGNATURE_HEADER, String.valueOf(exchange.getRequestHeaders().getFirst(WebhookVerifier.SIGNATURE_HEADER)));
            deliveries.add(new Delivery(headers, exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();

        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        HttpEndpoint endpoint = client.httpEndpoints().createHttpEndpoint(new HttpEndpointCreate()
                .name("receiver-" + suffix)
                .url("http://127.0.0.1:" + receiver.getAddress().getPort())
                .signingSecret(secret), null);
        SluiceConsumer push = client.consumers().createConsumer(new ConsumerCreate()
                .name("pushed-" + suffix)
                .sourceId("demo")
                .kind(ConsumerKind.PUSH)
                .endpointId(endpoint.getId())
                .path("/orders")
                .tables(List.of(new TableSelection().table("demo_orders"))), null);
        try {
            Delivery delivery = deliveries.poll(60, TimeUnit.SECONDS);
            assertThat(delivery).as("a webhook within a minute").isNotNull();
            assertThat(new String(delivery.body(), StandardCharsets.UTF_8)).contains("demo_orders");

            assertThatCode(() -> WebhookVerifier.of(secret).verify(delivery.headers()::get, delivery.body())).doesNotThrowAnyException();

            byte[] altered = new String(delivery.body(), StandardCharsets.UTF_8).replace("demo_orders", "demo_orderz").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> WebhookVerifier.of(secret).verify(delivery.headers()::get, altered))
                    .isInstanceOfSatisfying(WebhookVerificationException.class,
                            e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.NO_MATCHING_SIGNATURE));
            String otherSecret = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
            assertThatThrownBy(() -> WebhookVerifier.of(otherSecret).verify(delivery.headers()::get, delivery.body()))
                    .isInstanceOf(WebhookVerificationException.class);
        }
        finally {
            client.consumers().deleteConsumer(push.getId());
            client.httpEndpoints().deleteHttpEndpoint(endpoint.getId());
            receiver.stop(0);
        }
    }
}
