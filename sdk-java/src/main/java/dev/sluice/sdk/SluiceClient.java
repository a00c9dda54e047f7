package dev.sluice.sdk;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.sdk.invoker.ApiClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The entry point of the SDK: the generated API classes, authenticated with one token.
 *
 * <pre>{@code
 * SluiceClient client = SluiceClient.builder()
 *         .endpoint(URI.create("http://127.0.0.1:8080"))
 *         .token(System.getenv("SLUICE_TOKEN"))
 *         .build();
 * SluiceConsumer consumer = client.consumers().getConsumer("demo-orders");
 * }</pre>
 *
 * <p>The API classes and models are generated from openapi.yaml ({@code dev.sluice.sdk.api},
 * {@code dev.sluice.sdk.model}); the model of a consumer is {@code SluiceConsumer}, as {@code Consumer}
 * would clash with {@code java.util.function.Consumer} in the generated code.
 *
 * <p>Every request carries {@code Authorization: Bearer <token>}. Every create has an overload without
 * the {@code idempotencyKey} argument (e.g. {@code sources().createSource(body)}): it is sent with a new
 * random {@code Idempotency-Key}, as one whose key is {@code null} is; to retry a create safely, pass your
 * own key and pass the same one again on the retry. Error responses are thrown as the unchecked
 * {@link SluiceApiException}, with the HTTP status and the problem's code, field and detail. Models print
 * on one line, secrets as {@code *}. Numbers in received messages keep their exact digits (decimals are
 * read as {@link java.math.BigDecimal}).
 *
 * <p>A client is immutable and thread-safe; all its API objects share one {@link HttpClient}.
 */
public final class SluiceClient
{
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** The paths of the operations that take an Idempotency-Key: the creates (a unit test checks this against openapi.yaml). */
    private static final Pattern CREATE_PATH = Pattern.compile(".*/v1/(accounts|tokens|sources|http-endpoints|consumers|consumers/[^/]+/backfills)");

    private final URI endpoint;
    private final Duration requestTimeout;
    private final ApiClient apiClient;
    private final SluiceApis.Accounts accounts;
    private final SluiceApis.Me me;
    private final SluiceApis.Tokens tokens;
    private final SluiceApis.Sources sources;
    private final SluiceApis.HttpEndpoints httpEndpoints;
    private final SluiceApis.Consumers consumers;
    private final SluiceApis.Backfills backfills;
    private final SluiceApis.DeadLetters deadLetters;
    private final SluiceApis.Messages messages;

    private SluiceClient(URI endpoint, String token, Duration connectTimeout, Duration requestTimeout)
    {
        this.endpoint = endpoint;
        this.requestTimeout = requestTimeout;
        HttpClient http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.apiClient = new SharedHttpClientApiClient(http, objectMapper(), endpoint.toString())
                .setRequestInterceptor(request -> prepare(request, token))
                .setReadTimeout(requestTimeout);
        this.accounts = new SluiceApis.Accounts(apiClient);
        this.me = new SluiceApis.Me(apiClient);
        this.tokens = new SluiceApis.Tokens(apiClient);
        this.sources = new SluiceApis.Sources(apiClient);
        this.httpEndpoints = new SluiceApis.HttpEndpoints(apiClient);
        this.consumers = new SluiceApis.Consumers(apiClient);
        this.backfills = new SluiceApis.Backfills(apiClient);
        this.deadLetters = new SluiceApis.DeadLetters(apiClient);
        this.messages = new SluiceApis.Messages(apiClient);
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * The object mapper of the SDK: the generated client's, reading decimals as {@link java.math.BigDecimal}
     * so that a message's numbers keep every digit. A new copy each call.
     */
    public static ObjectMapper objectMapper()
    {
        return ApiClient.createDefaultObjectMapper()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** The API's base URI, e.g. {@code http://127.0.0.1:8080}. */
    public URI endpoint()
    {
        return endpoint;
    }

    /** How long one request may take, from sending to the end of the response. */
    public Duration requestTimeout()
    {
        return requestTimeout;
    }

    /** The configured generated client, to construct API classes with; prefer the accessors below. */
    public ApiClient apiClient()
    {
        return apiClient;
    }

    /** Accounts; these operations need the operator token. */
    public SluiceApis.Accounts accounts()
    {
        return accounts;
    }

    public SluiceApis.Me me()
    {
        return me;
    }

    public SluiceApis.Tokens tokens()
    {
        return tokens;
    }

    public SluiceApis.Sources sources()
    {
        return sources;
    }

    public SluiceApis.HttpEndpoints httpEndpoints()
    {
        return httpEndpoints;
    }

    public SluiceApis.Consumers consumers()
    {
        return consumers;
    }

    public SluiceApis.Backfills backfills()
    {
        return backfills;
    }

    public SluiceApis.DeadLetters deadLetters()
    {
        return deadLetters;
    }

    /** Receive, ack and nack; {@link #consumerLoop(String)} runs them for you. */
    public SluiceApis.Messages messages()
    {
        return messages;
    }

    /** A loop that receives the messages of the pull consumer {@code consumer} (id or name) and hands them to a handler. */
    public ConsumerLoop.Builder consumerLoop(String consumer)
    {
        return new ConsumerLoop.Builder(this, consumer);
    }

    private static void prepare(HttpRequest.Builder request, String token)
    {
        request.setHeader("Authorization", "Bearer " + token);
        HttpRequest built = request.build();
        if (isCreate(built) && built.headers().firstValue(IDEMPOTENCY_KEY).isEmpty()) {
            request.setHeader(IDEMPOTENCY_KEY, UUID.randomUUID().toString());
        }
    }

    /** Whether {@code request} is a create, one of the operations that take an Idempotency-Key. */
    static boolean isCreate(HttpRequest request)
    {
        return request.method().equals("POST") && CREATE_PATH.matcher(request.uri().getRawPath()).matches();
    }

    /** The generated client builds a new {@link HttpClient} for each API class; this one shares one. */
    private static final class SharedHttpClientApiClient
            extends ApiClient
    {
        private final HttpClient http;

        SharedHttpClientApiClient(HttpClient http, ObjectMapper json, String baseUri)
        {
            super(HttpClient.newBuilder(), json, baseUri);
            this.http = requireNonNull(http, "http is null");
        }

        @Override
        public HttpClient getHttpClient()
        {
            return http;
        }
    }

    public static final class Builder
    {
        private URI endpoint;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** The API's base URI, e.g. {@code http://127.0.0.1:8080} (without {@code /v1}). Required. */
        public Builder endpoint(URI endpoint)
        {
            requireNonNull(endpoint, "endpoint is null");
            if (!endpoint.isAbsolute() || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https")) || endpoint.getHost() == null) {
                throw new IllegalArgumentException("endpoint must be an absolute http or https URI: " + endpoint);
            }
            if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
                throw new IllegalArgumentException("endpoint must have no query or fragment: " + endpoint);
            }
            String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
            this.endpoint = URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + path);
            return this;
        }

        /** An API token (or the operator token, for accounts). Required. */
        public Builder token(String token)
        {
            requireNonNull(token, "token is null");
            if (token.isBlank()) {
                throw new IllegalArgumentException("token is blank");
            }
            this.token = token;
            return this;
        }

        /** How long to wait for a connection; 10 seconds unless set. */
        public Builder connectTimeout(Duration connectTimeout)
        {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * How long one request may take; 60 seconds unless set. A {@link ConsumerLoop}'s long polls must fit
         * in it.
         */
        public Builder requestTimeout(Duration requestTimeout)
        {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        public SluiceClient build()
        {
            if (endpoint == null) {
                throw new IllegalStateException("endpoint is not set");
            }
            if (token == null) {
                throw new IllegalStateException("token is not set");
            }
            return new SluiceClient(endpoint, token, connectTimeout, requestTimeout);
        }

        private static Duration positive(Duration duration, String name)
        {
            requireNonNull(duration, name + " is null");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + duration);
            }
            return duration;
        }
    }
}
