package dev.sluice.sdk;

import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.ConsumerCreate;
import dev.sluice.sdk.model.ConsumerKind;
import dev.sluice.sdk.model.ConsumerState;
import dev.sluice.sdk.model.ConsumerUpdate;
import dev.sluice.sdk.model.HttpEndpoint;
import dev.sluice.sdk.model.HttpEndpointCreate;
import dev.sluice.sdk.model.HttpEndpointList;
import dev.sluice.sdk.model.HttpEndpointUpdate;
import dev.sluice.sdk.model.Me;
import dev.sluice.sdk.model.Scope;
import dev.sluice.sdk.model.SluiceConsumer;
import dev.sluice.sdk.model.SourceCreate;
import dev.sluice.sdk.model.SslMode;
import dev.sluice.sdk.model.TableSelection;
import dev.sluice.sdk.model.ValidateConsumerRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Creates, reads, updates, lists and deletes resources of a real server through the SDK. */
@ExtendWith(DevServer.Extension.class)
class ManagementIT
{
    private final DevServer server;
    private final SluiceClient client;

    ManagementIT(DevServer server)
    {
        this.server = server;
        this.client = server.client();
    }

    @Test
    void meIsTheDevAccount()
            throws ApiException
    {
        Me me = client.me().getMe();

        assertThat(me.getAccountName()).isEqualTo("dev");
        assertThat(me.getScopes()).contains(Scope.MANAGE, Scope.CONSUME);
    }

    @Test
    void anHttpEndpointGoesThroughItsWholeLife()
            throws ApiException
    {
        String name = unique("hooks");
        HttpEndpoint created = client.httpEndpoints().createHttpEndpoint(new HttpEndpointCreate()
                .name(name)
                .url("http://127.0.0.1:9/sluice")
                .headers(Map.of("X-Team", "orders"))
                .secretHeaders(Map.of("X-Api-Key", "secret-value"))
                // in the Standard Webhooks form, so the answer does not show it back (a text secret is shown converted)
                .signingSecret("whsec_YS1zaWduaW5nLXNlY3JldC1vZi0yNC1jaGFycy1vci1tb3Jl"), null);

        assertThat(created.getId()).startsWith("end_");
        assertThat(created.getName()).isEqualTo(name);
        assertThat(created.getHeaders()).containsExactly(Map.entry("X-Team", "orders"));
        assertThat(created.getSecretHeaderNames()).containsExactly("X-Api-Key");
        assertThat(created.getHasSigningSecret()).isTrue();
        assertThat(client.httpEndpoints().getHttpEndpoint(name)).isEqualTo(created);
        assertThat(client.httpEndpoints().getHttpEndpoint(created.getId())).isEqualTo(created);

        HttpEndpoint updated = client.httpEndpoints().updateHttpEndpoint(created.getId(), new HttpEndpointUpdate().url("http://127.0.0.1:9/other"));
        assertThat(updated.getUrl()).isEqualTo("http://127.0.0.1:9/other");
        assertThat(updated.getHeaders()).as("fields left out of a PATCH stay").isEqualTo(created.getHeaders());

        assertThat(allEndpoints()).extracting(HttpEndpoint::getId).contains(created.getId());

        client.httpEndpoints().deleteHttpEndpoint(name);
        assertThatThrownBy(() -> client.httpEndpoints().getHttpEndpoint(created.getId()))
                .isInstanceOfSatisfying(SluiceApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.problemCode()).hasValue("not_found");
                });
        assertThat(allEndpoints()).extracting(HttpEndpoint::getId).doesNotContain(created.getId());
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyReturnsTheFirstResult()
            throws ApiException
    {
        String key = UUID.randomUUID().toString();
        HttpEndpointCreate create = new HttpEndpointCreate().name(unique("retried")).url("http://127.0.0.1:9/");

        HttpEndpoint first = client.httpEndpoints().createHttpEndpoint(create, key);
        HttpEndpoint retried = client.httpEndpoints().createHttpEndpoint(create, key);

        assertThat(retried.getId()).isEqualTo(first.getId());
        assertThatThrownBy(() -> client.httpEndpoints().createHttpEndpoint(create.name(unique("other")), key))
                .isInstanceOfSatisfying(SluiceApiException.class, e -> assertThat(e.problemCode()).hasValue("idempotency_key_reused"));
        client.httpEndpoints().deleteHttpEndpoint(first.getId());
    }

    @Test
    void aPullConsumerOfTheDemoTable()
            throws ApiException
    {
        String name = unique("orders");
        SluiceConsumer created = client.consumers().createConsumer(new ConsumerCreate()
                .name(name)
                .sourceId("demo")
                .kind(ConsumerKind.PULL)
                .tables(List.of(new TableSelection().table("demo_orders")))
                .filter("amount > 100"), null);

        assertThat(created.getId()).startsWith("con_");
        assertThat(created.getKind()).isEqualTo(ConsumerKind.PULL);
        assertThat(created.getSourceId()).isEqualTo(client.sources().getSource("demo").getId());
        assertThat(created.getTables()).extracting(TableSelection::getTable).containsExactly("demo_orders");
        assertThat(created.getFilter()).isEqualTo("amount > 100");
        assertThat(created.getStatus()).isEqualTo(ConsumerState.ACTIVE);
        assertThat(created.getVisibilityTimeoutSeconds()).isEqualTo(30);

        SluiceConsumer paused = client.consumers().updateConsumer(name, new ConsumerUpdate().status(ConsumerState.PAUSED).maxDeliver(3));
        assertThat(paused.getStatus()).isEqualTo(ConsumerState.PAUSED);
        assertThat(paused.getMaxDeliver()).isEqualTo(3);
        assertThat(client.consumers().getConsumerStatus(name).getDeadLetters()).isZero();

        client.consumers().deleteConsumer(created.getId());
        assertThatThrownBy(() -> client.consumers().getConsumer(name))
                .isInstanceOfSatisfying(SluiceApiException.class, e -> assertThat(e.problemCode()).hasValue("not_found"));
    }

    @Test
    void aRefusedRequestCarriesTheProblemCodeAndField()
    {
        ConsumerCreate unknownTable = new ConsumerCreate()
                .name(unique("bad"))
                .sourceId("demo")
                .kind(ConsumerKind.PULL)
                .tables(List.of(new TableSelection().table("no_such_table")));

        assertThatThrownBy(() -> client.consumers().createConsumer(unknownTable, null))
                .isInstanceOfSatisfying(SluiceApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.problemCode()).hasValue("validation_failed");
                    assertThat(e.getMessage()).startsWith("createConsumer failed: HTTP 422 validation_failed");
                });
        assertThatThrownBy(() -> client.httpEndpoints().createHttpEndpoint(new HttpEndpointCreate().name("not a name").url("http://127.0.0.1:9/"), null))
                .isInstanceOfSatisfying(SluiceApiException.class, e -> {
                    assertThat(e.problemCode()).hasValue("validation_failed");
                    assertThat(e.problem().orElseThrow().getField()).isEqualTo("name");
                });
        assertThatThrownBy(() -> client.messages().receiveMessages("no-such-consumer", null))
                .isInstanceOfSatisfying(SluiceApiException.class, e -> assertThat(e.problemCode()).hasValue("not_found"));
    }

    @Test
    void aWrongTokenIsUnauthenticated()
    {
        SluiceClient stranger = SluiceClient.builder().endpoint(client.endpoint()).token("sk_not_a_token").build();

        assertThatThrownBy(() -> stranger.me().getMe())
                .isInstanceOfSatisfying(SluiceApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.problemCode()).hasValue("unauthenticated");
                });
    }

    @Test
    void aBrokenFilterIsFoundWithoutCreatingAnything()
    {
        client.consumers().validateConsumer(new ValidateConsumerRequest().filter("amount > 100").transform("function transform(action, record) return record end"));

        assertThatThrownBy(() -> client.consumers().validateConsumer(new ValidateConsumerRequest().filter("amount >")))
                .isInstanceOfSatisfying(SluiceApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.code()).hasValue("validation_failed");
                    assertThat(e.field()).hasValue("filter");
                    assertThat(e.detail()).isPresent();
                });
    }

    @Test
    void aSourceWithAWrongPasswordIsRefused()
    {
        // The dev server's demo database checks passwords, as a real one does.
        assertThatThrownBy(() -> client.sources().createSource(new SourceCreate()
                .name(unique("wrong-password"))
                .host(server.demoDatabase().path("host").asText())
                .port(server.demoDatabase().path("port").asInt())
                .database(server.demoDatabase().path("database").asText())
                .username(server.demoDatabase().path("username").asText())
                .password("not-the-password")
                .sslMode(SslMode.DISABLE)))
                .isInstanceOfSatisfying(SluiceApiException.class, e -> assertThat(e.getMessage()).containsIgnoringCase("password"));
    }

    private List<HttpEndpoint> allEndpoints()
            throws ApiException
    {
        List<HttpEndpoint> all = new ArrayList<>();
        String after = null;
        do {
            HttpEndpointList page = client.httpEndpoints().listHttpEndpoints(2, after);
            all.addAll(page.getData());
            after = page.getNextCursor();
        }
        while (after != null);
        return all;
    }

    private static String unique(String prefix)
    {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
