package dev.sluice.data.deliver;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.data.lease.FailureTracker;
import dev.sluice.data.lease.HeldLease;
import dev.sluice.data.lease.LeasedWork;
import dev.sluice.data.lease.LeaseLostException;
import dev.sluice.data.lease.WorkHealth;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.Json;
import dev.sluice.store.Store;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.endpoint.HttpEndpoint;
import dev.sluice.store.message.MessageJson;
import dev.sluice.store.message.MessageSignals;
import dev.sluice.store.message.MessageStore;
import dev.sluice.store.message.MessageTransforms;
import dev.sluice.store.metrics.StreamMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Delivers a push consumer's messages to its HTTP endpoint while this worker holds {@code deliver:<consumer>}.
 * Group heads are received like a pull consumer would, so order per key holds; each batch is POSTed on its
 * own, 2xx acks it, anything else nacks it with exponential backoff and jitter. A failing or hanging key
 * holds only its own slot: other keys keep flowing through the remaining ones.
 */
public final class PushDeliverer
        implements LeasedWork
{
    private static final Logger LOG = LoggerFactory.getLogger(PushDeliverer.class);
    private static final Duration IDLE_RECHECK = Duration.ofSeconds(1);
    private static final Duration ROTATION_GRACE = Duration.ofHours(24);

    private final Store store;
    private final SecretBox secrets;
    private final HeldLease lease;
    private final String consumerId;
    private final PushSettings settings;
    private final MessageSignals signals;
    private final WebhookClient client;
    private final MessageStore messages;
    private final MessageTransforms transforms;
    private final FailureTracker failures = new FailureTracker();
    private volatile boolean stopped;

    public PushDeliverer(Store store, SecretBox secrets, HeldLease lease, String consumerId, PushSettings settings, MessageSignals signals, WebhookClient client,
            StreamMetrics metrics)
    {
        this.store = requireNonNull(store, "store is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.lease = requireNonNull(lease, "lease is null");
        this.consumerId = requireNonNull(consumerId, "consumerId is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.signals = requireNonNull(signals, "signals is null");
        this.client = requireNonNull(client, "client is null");
        this.messages = new MessageStore(store, metrics);
        this.transforms = new MessageTransforms(messages);
    }

    @Override
    public HeldLease lease()
    {
        return lease;
    }

    @Override
    public void stop()
    {
        stopped = true;
    }

    @Override
    public WorkHealth health()
    {
        return new WorkHealth(lease.unit(), failures.failingSince(), failures.lastError(), OptionalLong.empty());
    }

    private boolean running()
    {
        return !stopped && !lease.isLost() && !Thread.currentThread().isInterrupted();
    }

    @Override
    public void run()
    {
        ExecutorService senders = Executors.newFixedThreadPool(settings.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "sluice-push-" + consumerId);
            thread.setDaemon(true);
            return thread;
        });
        Semaphore slots = new Semaphore(settings.concurrency());
        try {
            while (running()) {
                try {
                    if (!deliverOnce(senders, slots)) {
                        continue;
                    }
                }
                catch (LeaseLostException e) {
                    LOG.info("stopped delivering consumer {}: {}", consumerId, e.getMessage());
                    return;
                }
                catch (RuntimeException e) {
                    LOG.warn("delivering consumer {} failed, retrying: {}", consumerId, e.getMessage());
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
        finally {
            senders.shutdown();
            try {
                senders.awaitTermination(settings.requestTimeout().toSeconds() + 5, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Receives as many batches as there are free slots and hands them to senders; returns whether it sent any. */
    private boolean deliverOnce(ExecutorService senders, Semaphore slots)
    {
        Optional<Consumer> found = store.onDemand(DataPlaneDao.class).consumerAcrossAccounts(consumerId);
        if (found.isEmpty() || found.get().kind() != Consumer.Kind.PUSH) {
            lease.markLost();
            return false;
        }
        Consumer consumer = found.get();
        MDC.put("account", consumer.accountId().value());
        MDC.put("consumer", consumerId);
        long version = signals.version(consumerId);
        if (!consumer.active() || consumer.endpointId().isEmpty()) {
            await(version);
            return false;
        }
        HttpEndpoint endpoint = store.onDemand(DataPlaneDao.class).endpointAcrossAccounts(consumer.endpointId().get()).orElse(null);
        if (endpoint == null) {
            await(version);
            return false;
        }
        int free = acquireAtLeastOne(slots);
        if (free == 0) {
            return false;
        }
        List<MessageStore.Delivery> received;
        try {
            Duration visibility = settings.requestTimeout().plus(Duration.ofSeconds(10));
            received = messages.receive(consumerId, free * consumer.batchSize(), visibility, consumer.maxDeliver(), consumer.maxAckPending(), lease::fence);
        }
        catch (RuntimeException e) {
            slots.release(free);
            throw e;
        }
        List<MessageTransforms.Transformed> transformed = transforms.apply(consumer, received);
        List<List<MessageTransforms.Transformed>> batches = new ArrayList<>();
        for (int start = 0; start < transformed.size(); start += consumer.batchSize()) {
            batches.add(transformed.subList(start, Math.min(transformed.size(), start + consumer.batchSize())));
        }
        slots.release(free - batches.size());
        if (batches.isEmpty()) {
            await(version);
            return false;
        }
        Target target = target(consumer, endpoint);
        Map<String, String> context = MDC.getCopyOfContextMap();
        for (List<MessageTransforms.Transformed> batch : batches) {
            senders.submit(() -> {
                MDC.setContextMap(context == null ? Map.of() : context);
                try {
                    send(consumer, target, batch);
                }
                catch (RuntimeException e) {
                    LOG.warn("delivery of consumer {} failed: {}", consumerId, e.getMessage());
                }
                finally {
                    slots.release();
                }
            });
        }
        return true;
    }

    private void send(Consumer consumer, Target target, List<MessageTransforms.Transformed> transformed)
    {
        List<MessageStore.Delivery> batch = transformed.stream().map(MessageTransforms.Transformed::delivery).toList();
        String body = MessageJson.document(json -> {
            if (consumer.batchSize() == 1) {
                MessageJson.message(json, consumer, batch.get(0).message(), null, transformed.get(0).output());
                return;
            }
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (MessageTransforms.Transformed delivery : transformed) {
                MessageJson.message(json, consumer, delivery.delivery().message(), null, delivery.output());
            }
            json.writeEndArray();
            json.writeEndObject();
        });
        String webhookId = batch.size() == 1
                ? MessageJson.idempotencyKey(batch.get(0).message())
                : "batch-" + batch.get(0).message().seq() + "-" + batch.get(batch.size() - 1).message().seq();
        Map<String, String> headers = new LinkedHashMap<>(target.headers());
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "Sluice");
        if (!target.signingSecrets().isEmpty()) {
            long timestamp = Instant.now().getEpochSecond();
            headers.put("webhook-id", webhookId);
            headers.put("webhook-timestamp", Long.toString(timestamp));
            headers.put("webhook-signature", WebhookSigner.signatureHeader(target.signingSecrets(), webhookId, timestamp, body));
        }
        WebhookClient.Result result = client.post(target.url(), headers, body);
        List<String> ackIds = batch.stream().map(MessageStore.Delivery::ackId).toList();
        if (result.succeeded()) {
            failures.succeeded();
            messages.ack(consumerId, ackIds);
            store.useHandle(handle -> handle.attach(DataPlaneDao.class).recordDelivered(consumerId));
            return;
        }
        int attempts = batch.stream().mapToInt(delivery -> delivery.message().deliverCount()).max().orElse(1);
        Duration delay = backoff(attempts);
        LOG.info("delivery to consumer {} failed ({}); retrying in {} ms", consumerId, result.describe(), delay.toMillis());
        failures.failed(result.describe());
        messages.nack(consumerId, ackIds, delay);
        store.useHandle(handle -> handle.attach(DataPlaneDao.class).recordDeliveryError(consumerId, result.describe()));
    }

    /** Exponential backoff with jitter: base × 2^(attempts − 1), capped, then scaled by a random factor in [0.5, 1]. */
    Duration backoff(int attempts)
    {
        double exponential = settings.backoffBase().toMillis() * Math.pow(2, Math.max(0, attempts - 1));
        double capped = Math.min(exponential, settings.backoffCap().toMillis());
        return Duration.ofMillis((long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5)));
    }

    private Target target(Consumer consumer, HttpEndpoint endpoint)
    {
        Map<String, String> headers = new LinkedHashMap<>(endpoint.headers());
        endpoint.secretHeadersEncrypted()
                .map(encrypted -> Json.read(secrets.decrypt(encrypted), new TypeReference<Map<String, String>>() {}))
                .ifPresent(headers::putAll);
        List<String> signing = new ArrayList<>();
        endpoint.signingSecretEncrypted().map(secrets::decrypt).ifPresent(signing::add);
        boolean previousStillValid = endpoint.signingSecretRotatedAt().map(at -> at.plus(ROTATION_GRACE).isAfter(Instant.now())).orElse(false);
        if (previousStillValid) {
            endpoint.previousSigningSecretEncrypted().map(secrets::decrypt).ifPresent(signing::add);
        }
        String url = endpoint.url() + consumer.path().orElse("");
        return new Target(url, headers, signing);
    }

    private int acquireAtLeastOne(Semaphore slots)
    {
        try {
            if (!slots.tryAcquire(1, IDLE_RECHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                return 0;
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return 1 + slots.drainPermits();
    }

    private void await(long version)
    {
        try {
            signals.await(consumerId, version, IDLE_RECHECK);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Target(String url, Map<String, String> headers, List<String> signingSecrets) {}
}
