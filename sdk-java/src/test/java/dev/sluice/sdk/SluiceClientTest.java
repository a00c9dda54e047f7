package dev.sluice.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.ApiTokenCreated;
import dev.sluice.sdk.model.ConsumerCreate;
import dev.sluice.sdk.model.ConsumerKind;
import dev.sluice.sdk.model.HttpEndpointUpdate;
import dev.sluice.sdk.model.Message;
import dev.sluice.sdk.model.Problem;
import dev.sluice.sdk.model.SourceCreate;
import dev.sluice.sdk.model.TableSelection;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SluiceClientTest
{
    private static final Path SPEC = Path.of("..", "openapi", "openapi.yaml");

    private final SluiceClient client = SluiceClient.builder()
            .endpoint(URI.create("http://127.0.0.1:8080/"))
            .token("sk_test")
            .build();

    @Test
    void sendsTheTokenOnEveryRequest()
    {
        HttpRequest request = intercepted(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/v1/me")).GET());

        assertThat(request.headers().firstValue("Authorization")).hasValue("Bearer sk_test");
        assertThat(request.headers().firstValue(SluiceClient.IDEMPOTENCY_KEY)).isEmpty();
    }

    @Test
    void givesACreateWithoutAKeyANewOneAndKeepsAKeyItWasGiven()
    {
        URI consumers = URI.create("http://127.0.0.1:8080/v1/consumers");

        HttpRequest first = intercepted(HttpRequest.newBuilder(consumers).POST(HttpRequest.BodyPublishers.noBody()));
        HttpRequest second = intercepted(HttpRequest.newBuilder(consumers).POST(HttpRequest.BodyPublishers.noBody()));
        HttpRequest given = intercepted(HttpRequest.newBuilder(consumers).header(SluiceClient.IDEMPOTENCY_KEY, "mine").POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(first.headers().firstValue(SluiceClient.IDEMPOTENCY_KEY)).hasValueSatisfying(key -> assertThat(key).hasSize(36));
        assertThat(second.headers().firstValue(SluiceClient.IDEMPOTENCY_KEY)).isNotEqualTo(first.headers().firstValue(SluiceClient.IDEMPOTENCY_KEY));
        assertThat(given.headers().allValues(SluiceClient.IDEMPOTENCY_KEY)).containsExactly("mine");
    }

    @Test
    void createsAreExactlyTheOperationsOfTheSpecThatTakeAnIdempotencyKey()
            throws Exception
    {
        JsonNode paths = new ObjectMapper(new YAMLFactory()).readTree(SPEC.toFile()).path("paths");
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> pathEntries = paths.fields(); pathEntries.hasNext(); ) {
            Map.Entry<String, JsonNode> path = pathEntries.next();
            for (Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields(); operations.hasNext(); ) {
                Map.Entry<String, JsonNode> operation = operations.next();
                boolean takesKey = false;
                for (JsonNode parameter : operation.getValue().path("parameters")) {
                    takesKey |= parameter.path("$ref").asText().equals("#/components/parameters/IdempotencyKey");
                }
                String concretePath = path.getKey().replaceAll("\\{[^}]+}", "con_123");
                for (String base : List.of("http://127.0.0.1:8080", "https://sluice.example/prefix")) {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base + concretePath))
                            .method(operation.getKey().toUpperCase(Locale.ROOT), HttpRequest.BodyPublishers.noBody())
                            .build();
                    assertThat(SluiceClient.isCreate(request)).as("%s %s", operation.getKey(), path.getKey()).isEqualTo(takesKey);
                }
                checked.add(operation.getKey() + " " + path.getKey());
            }
        }
        assertThat(checked).contains("post /v1/consumers", "post /v1/consumers/{consumerId}/backfills", "post /v1/consumers/{consumerId}/receive");
    }

    @Test
    void readsNumbersWithEveryDigitAndKeepsTheColumnOrder()
            throws Exception
    {
        String json = """
                {"ack_id": "42-1-9f2c", "id": "42", "action": "update",
                 "record": {"id": 123456789012345678901234567890, "status": "paid", "amount": 12.50, "rate": 0.1000000000000000055511151231257827},
                 "changes": {"amount": 1E+2},
                 "metadata": {"source_id": "src_1", "consumer_id": "con_1", "table_schema": "public", "table_name": "orders",
                              "idempotency_key": "0/1A2B3C8#0", "deliver_count": 1, "group": "[7]"}}
                """;

        Message message = client.apiClient().getObjectMapper().readValue(json, Message.class);

        assertThat(message.getRecord()).containsOnlyKeys("id", "status", "amount", "rate");
        assertThat(List.copyOf(message.getRecord().keySet())).containsExactly("id", "status", "amount", "rate");
        assertThat(message.getRecord().get("id")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(message.getRecord().get("amount")).isInstanceOf(BigDecimal.class).hasToString("12.50");
        assertThat(message.getRecord().get("rate")).hasToString("0.1000000000000000055511151231257827");
        assertThat(message.getChanges().get("amount")).isEqualTo(new BigDecimal("1E+2"));
        assertThat(message.getAction()).isEqualTo(Message.ActionEnum.UPDATE);
        assertThat(message.getMetadata().getDeliverCount()).isEqualTo(1);
    }

    @Test
    void sendsOnlyTheFieldsThatWereSet()
            throws Exception
    {
        ObjectMapper json = client.apiClient().getObjectMapper();

        // An empty list or map would be refused by a create, or clear the field in a PATCH.
        assertThat(json.writeValueAsString(new HttpEndpointUpdate().url("http://127.0.0.1:9/")))
                .isEqualTo("{\"url\":\"http://127.0.0.1:9/\"}");
        // Schema defaults (the server's too) are filled in; lists left unset are not sent.
        JsonNode create = json.valueToTree(new ConsumerCreate().name("orders").sourceId("demo").kind(ConsumerKind.PULL)
                .tables(List.of(new TableSelection().table("orders"))));
        assertThat(create.has("actions")).isFalse();
        assertThat(create.path("tables").get(0).has("group_columns")).isFalse();
        assertThat(create.path("batch_size").asInt()).isEqualTo(1);
    }

    @Test
    void everyApiOfTheSpecThrowsProblemsAsSluiceApiExceptions()
            throws Exception
    {
        JsonNode tags = new ObjectMapper(new YAMLFactory()).readTree(SPEC.toFile()).path("tags");
        List<String> apis = new ArrayList<>();
        for (JsonNode tag : tags) {
            String apiClass = tag.path("name").asText() + "Api";
            Method accessor = Arrays.stream(SluiceClient.class.getMethods())
                    .filter(method -> method.getParameterCount() == 0 && method.getReturnType().getSuperclass().getSimpleName().equals(apiClass))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("SluiceClient has no accessor for " + apiClass));
            Object api = accessor.invoke(client);
            Method hook = api.getClass().getDeclaredMethod("getApiException", String.class, HttpResponse.class);
            hook.setAccessible(true);
            Object thrown = hook.invoke(api, "anOperation", response(404, "application/problem+json",
                    "{\"type\": \"https://sluice.dev/problems/not_found\", \"title\": \"Not found\", \"status\": 404, \"code\": \"not_found\", \"detail\": \"no consumer 'x'\"}"));
            assertThat(thrown).as(apiClass).isInstanceOfSatisfying(SluiceApiException.class, e -> assertThat(e.problemCode()).hasValue("not_found"));
            apis.add(apiClass);
        }
        assertThat(apis).contains("ConsumersApi", "MessagesApi");
    }

    @Test
    void everyCreateHasAnOverloadWithoutTheIdempotencyKey()
    {
        List<String> creates = new ArrayList<>();
        for (Class<?> api : SluiceApis.class.getClasses()) {
            for (Method create : api.getMethods()) {
                Class<?>[] parameters = create.getParameterTypes();
                if (!create.getName().startsWith("create") || create.getName().endsWith("WithHttpInfo")
                        || parameters.length == 0 || !create.getParameters()[parameters.length - 1].getName().equals("idempotencyKey")) {
                    continue;
                }
                assertThat(Arrays.stream(api.getMethods()).filter(method -> method.getName().equals(create.getName())
                        && Arrays.equals(method.getParameterTypes(), Arrays.copyOf(parameters, parameters.length - 1))))
                        .as("%s.%s without the idempotency key", api.getSimpleName(), create.getName())
                        .hasSize(1);
                creates.add(create.getName());
            }
        }
        assertThat(creates).contains("createAccount", "createToken", "createSource", "createHttpEndpoint", "createConsumer", "createBackfill");
    }

    @Test
    void modelsPrintOnOneLineWithoutTheirSecrets()
    {
        SourceCreate source = new SourceCreate().name("orders-db").host("db.internal").database("shop").username("sluice").password("hunter2");
        ApiTokenCreated token = new ApiTokenCreated().id("tok_1").name("ci").secret("sk_live_secret");
        Message message = new Message().id("m1").record(new LinkedHashMap<>(Map.of("note", "two\nlines")));

        assertThat(source.toString())
                .startsWith("SourceCreate{name=orders-db, host=db.internal, ")
                .contains("password=*")
                .doesNotContain("hunter2")
                .doesNotContain("\n");
        assertThat(token.toString()).isEqualTo("ApiTokenCreated{id=tok_1, name=ci, secret=*}");
        assertThat(message.toString()).isEqualTo("Message{id=m1, record={note=two\\nlines}}");
    }

    @Test
    void anErrorCarriesTheProblemAndSaysWhatWentWrong()
            throws Exception
    {
        SluiceApiException error = SluiceApiException.from("createConsumer", response(422, "application/problem+json", """
                {"type": "https://sluice.dev/problems/validation_failed", "title": "Validation failed", "status": 422,
                 "code": "validation_failed", "detail": "must match the name pattern", "field": "name",
                 "errors": [{"field": "name", "message": "must match the name pattern"}]}
                """), client.apiClient().getObjectMapper());

        assertThat(error).isInstanceOf(ApiException.class);
        assertThat(error.getCode()).isEqualTo(422);
        assertThat(error.status()).isEqualTo(422);
        assertThat(error.code()).hasValue("validation_failed");
        assertThat(error.field()).hasValue("name");
        assertThat(error.detail()).hasValue("must match the name pattern");
        assertThat(error.problem().map(Problem::getField)).hasValue("name");
        assertThat(error.getMessage()).isEqualTo("createConsumer failed: HTTP 422 validation_failed: must match the name pattern (field name)");
    }

    @Test
    void anErrorWithoutAProblemStillSaysWhatCameBack()
            throws Exception
    {
        SluiceApiException error = SluiceApiException.from("getMe", response(502, "text/html", "<html>Bad gateway</html>"), client.apiClient().getObjectMapper());

        assertThat(error.problem()).isEmpty();
        assertThat(error.problemCode()).isEmpty();
        assertThat(error.getResponseBody()).isEqualTo("<html>Bad gateway</html>");
        assertThat(error.getMessage()).isEqualTo("getMe failed: HTTP 502: <html>Bad gateway</html>");
    }

    @Test
    void takesTheEndpointWithoutATrailingSlashAndRefusesWhatIsNotOne()
    {
        assertThat(client.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(client.apiClient().getBaseUri()).isEqualTo("http://127.0.0.1:8080");
        assertThat(SluiceClient.builder().endpoint(URI.create("https://sluice.example/api/")).token("t").build().endpoint())
                .isEqualTo(URI.create("https://sluice.example/api"));

        assertThatThrownBy(() -> SluiceClient.builder().endpoint(URI.create("/v1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SluiceClient.builder().endpoint(URI.create("ftp://host"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SluiceClient.builder().token(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SluiceClient.builder().token("t").build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> SluiceClient.builder().endpoint(URI.create("http://h")).build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("token");
    }

    private HttpRequest intercepted(HttpRequest.Builder request)
    {
        client.apiClient().getRequestInterceptor().accept(request);
        return request.build();
    }

    private static HttpResponse<InputStream> response(int status, String contentType, String body)
    {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/v1/x")).build();
        HttpHeaders headers = HttpHeaders.of(Map.of("Content-Type", List.of(contentType)), (name, value) -> true);
        return new HttpResponse<>()
        {
            @Override
            public int statusCode()
            {
                return status;
            }

            @Override
            public HttpRequest request()
            {
                return request;
            }

            @Override
            public Optional<HttpResponse<InputStream>> previousResponse()
            {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers()
            {
                return headers;
            }

            @Override
            public InputStream body()
            {
                return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public Optional<SSLSession> sslSession()
            {
                return Optional.empty();
            }

            @Override
            public URI uri()
            {
                return request.uri();
            }

            @Override
            public HttpClient.Version version()
            {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }
}
