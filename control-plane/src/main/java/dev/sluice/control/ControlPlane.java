package dev.sluice.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.sluice.control.account.AccountResource;
import dev.sluice.control.account.AccountService;
import dev.sluice.control.account.MeResource;
import dev.sluice.control.auth.AuthenticationFilter;
import dev.sluice.control.auth.Authenticator;
import dev.sluice.control.auth.ConsoleSessions;
import dev.sluice.control.console.ConsoleHeaders;
import dev.sluice.control.console.ConsoleResource;
import dev.sluice.control.console.ConsumerPages;
import dev.sluice.control.console.EndpointPages;
import dev.sluice.control.console.RootResource;
import dev.sluice.control.console.SourcePages;
import dev.sluice.control.consumer.BackfillResource;
import dev.sluice.control.consumer.BackfillService;
import dev.sluice.control.consumer.ConsumerResource;
import dev.sluice.control.consumer.ConsumerService;
import dev.sluice.control.endpoint.HttpEndpointResource;
import dev.sluice.control.endpoint.HttpEndpointService;
import dev.sluice.control.http.EmptyLimitFilter;
import dev.sluice.control.http.JsonExceptionMapper;
import dev.sluice.control.http.NulFreeStringDeserializer;
import dev.sluice.control.http.RequestSizeLimitFilter;
import dev.sluice.control.http.SluiceExceptionMapper;
import dev.sluice.control.http.UnexpectedExceptionMapper;
import dev.sluice.control.http.UniqueItemsDeserializer;
import dev.sluice.control.http.ValidationExceptionMapper;
import dev.sluice.control.http.WebApplicationExceptionMapper;
import dev.sluice.control.idempotency.Idempotency;
import dev.sluice.control.message.DeadLetterResource;
import dev.sluice.control.message.DeliveryService;
import dev.sluice.control.message.MessageResource;
import dev.sluice.control.ratelimit.AccountRateLimiter;
import dev.sluice.control.ratelimit.RateLimitFilter;
import dev.sluice.control.source.SourceChecker;
import dev.sluice.control.source.SourceResource;
import dev.sluice.control.source.SourceService;
import dev.sluice.control.token.TokenResource;
import dev.sluice.control.token.TokenService;
import dev.sluice.core.json.SluiceJson;
import dev.sluice.core.net.WebhookTargets;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.store.Retention;
import dev.sluice.store.Store;
import dev.sluice.stream.DeliveryCounters;
import dev.sluice.stream.MessageSignals;
import dev.sluice.stream.MessageStore;
import dev.sluice.stream.StreamMetrics;
import dev.sluice.stream.StreamRetention;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Wires the management API: services over the metadata store, the resources that implement the
 * generated interfaces, authentication, and the one place errors become problems.
 */
public final class ControlPlane
{
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    private final Store store;
    private final AccountService accounts;
    private final TokenService tokens;
    private final SourceService sources;
    private final HttpEndpointService endpoints;
    private final ConsumerService consumers;
    private final BackfillService backfills;
    private final ControlPlaneSettings settings;
    private final MessageSignals signals;
    private final DeliveryService delivery;
    private final SecretBox secrets;
    private final Authenticator authenticator;
    private final MessageStore messages;
    private final StreamRetention streamRetention;
    private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sluice-retention");
        thread.setDaemon(true);
        return thread;
    });

    public ControlPlane(Store store, ControlPlaneSettings settings, StreamMetrics metrics)
    {
        this.store = requireNonNull(store, "store is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.secrets = SecretBox.fromBase64Key(settings.encryptionKey());
        this.authenticator = new Authenticator(store, settings.operatorToken());
        Idempotency idempotency = new Idempotency(store, secrets);
        this.accounts = new AccountService(store, idempotency);
        this.tokens = new TokenService(store, idempotency);
        this.sources = new SourceService(store, idempotency, secrets, new SourceChecker(settings.sourceConnectTimeout(), Clock.systemUTC()));
        this.endpoints = new HttpEndpointService(store, idempotency, secrets, new WebhookTargets(settings.allowPrivateWebhookTargets()));
        this.messages = new MessageStore(store, metrics);
        this.streamRetention = StreamRetention.defaults(store);
        this.consumers = new ConsumerService(store, idempotency, sources, endpoints, messages);
        this.backfills = new BackfillService(store, idempotency, consumers);
        this.signals = new MessageSignals(store.dataSource());
        this.delivery = new DeliveryService(consumers, messages, signals);
    }

    /** Starts listening for new messages, to wake long-polling receivers, and purging expired bookkeeping. */
    // the periodic tasks log their own failures and stop() shuts the janitor down: their futures carry nothing to wait for
    @SuppressWarnings("FutureReturnValueIgnored")
    public void start()
    {
        int signed = endpoints.signUnsignedEndpoints();
        if (signed > 0) {
            LOG.info("gave {} HTTP endpoints without a signing secret a generated one; rotate it to see it", signed);
        }
        signals.start();
        janitor.scheduleWithFixedDelay(this::purge, 1, 10, TimeUnit.MINUTES);
        janitor.scheduleWithFixedDelay(this::dropConsumedGenerations, 30, 30, TimeUnit.SECONDS);
    }

    public void stop()
    {
        janitor.shutdownNow();
        signals.close();
        DeliveryCounters.of(store).flush();
    }

    private void dropConsumedGenerations()
    {
        try {
            StreamRetention.Result result = streamRetention.run();
            LOG.debug("stream log: opened {}, dropped {}", result.opened(), result.dropped());
        }
        catch (RuntimeException e) {
            LOG.warn("could not rotate or drop stream log generations: {}", e.getMessage());
        }
    }

    private void purge()
    {
        try {
            Retention.Purged purged = new Retention(store).purge();
            LOG.debug("purged {} expired idempotency keys and {} old delivery counts", purged.idempotencyKeys(), purged.deliveryStats());
        }
        catch (RuntimeException e) {
            LOG.warn("could not purge expired bookkeeping: {}", e.getMessage());
        }
    }

    /** Makes the API's JSON strict: unknown fields, wrong types, nulls and duplicate keys are errors, not guesses. */
    public static void configureJson(ObjectMapper mapper)
    {
        // the limits and number handling every mapper of Sluice shares; what follows is the API's strict binding
        SluiceJson.configure(mapper);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        // no field of the API is nullable: an explicit null (a field's value or an element of a list or map) is refused, not taken for "absent"
        mapper.setDefaultSetterInfo(JsonSetter.Value.construct(Nulls.FAIL, Nulls.FAIL));
        mapper.registerModule(new SimpleModule("sluice-strict")
                .addDeserializer(String.class, new NulFreeStringDeserializer())
                .setDeserializerModifier(UniqueItemsDeserializer.forSets()));
        mapper.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
    }

    /** Registers the API's resources, filters and exception mappers. */
    public void register(ResourceConfig jersey)
    {
        jersey.register(new RequestSizeLimitFilter(settings.maxRequestBytes()));
        ConsoleSessions sessions = new ConsoleSessions(store, secrets);
        jersey.register(new AuthenticationFilter(authenticator, sessions));
        jersey.register(new RateLimitFilter(new AccountRateLimiter(settings.rateLimit())));
        jersey.register(new EmptyLimitFilter());
        jersey.register(new SluiceExceptionMapper());
        jersey.register(new JsonExceptionMapper());
        jersey.register(new ValidationExceptionMapper());
        jersey.register(new WebApplicationExceptionMapper());
        jersey.register(new UnexpectedExceptionMapper());
        jersey.register(new AccountResource(accounts));
        jersey.register(new MeResource());
        jersey.register(new TokenResource(tokens));
        jersey.register(new SourceResource(sources));
        jersey.register(new HttpEndpointResource(endpoints));
        jersey.register(new ConsumerResource(consumers));
        jersey.register(new BackfillResource(backfills));
        jersey.register(new MessageResource(delivery));
        jersey.register(new DeadLetterResource(delivery, consumers));
        jersey.register(new ConsoleHeaders());
        jersey.register(new RootResource());
        jersey.register(new ConsoleResource(authenticator, sessions, sources, endpoints, consumers, messages));
        jersey.register(new SourcePages(sources, consumers));
        jersey.register(new EndpointPages(endpoints));
        jersey.register(new ConsumerPages(consumers, backfills, delivery, messages, sources, endpoints));
    }

    public AccountService accounts()
    {
        return accounts;
    }

    public TokenService tokens()
    {
        return tokens;
    }

    public SourceService sources()
    {
        return sources;
    }

    public ConsumerService consumers()
    {
        return consumers;
    }

    public Optional<String> operatorToken()
    {
        return settings.operatorToken();
    }
}
