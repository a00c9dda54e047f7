package dev.sluice.data.deliver;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.retry.Backoff;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.data.lease.FailureTracker;
import dev.sluice.data.lease.HeldLease;
import dev.sluice.data.lease.LeaseLostException;
import dev.sluice.data.lease.LeasedWork;
import dev.sluice.data.lease.WorkHealth;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.Json;
import dev.sluice.store.Store;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.endpoint.HttpEndpoint;
import dev.sluice.stream.DeliveryCounters;
import dev.sluice.stream.MessageJson;
import dev.sluice.stream.MessageSignals;
import dev.sluice.stream.MessageStore;
import dev.sluice.stream.MessageTransforms;
import dev.sluice.stream.StreamMetrics;
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
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Delivers a push consumer's messages to its HTTP endpoint while this worker holds {@code deliver:<consumer>}.
 *
 * <p>A receive takes due group heads together with the next messages of their groups (a run), up to
 * {@link #RUN} (or the batch size, if larger) per group. A run is sent by one sender, strictly in order, in
 * batches of up to {@code batch_size} messages: whole groups one after another, so a batch may carry several
 * consecutive messages of one key, in commit order. Each request goes out only after the one before it was
 * answered 2xx; its acks are collected by one thread and written a few milliseconds apart, and a group's next
 * run is received only once they are durable. So a worker that dies after a 2xx whose ack it never wrote
 * delivers the key again from its first unacknowledged message, in order: a run's messages share one visibility
 * deadline and nonce, a key's later message is never received while an earlier one is in flight, and acks are
 * written in the order the target answered, so a key's acks never land with a gap. A receiver may see a key's recent messages
 * again, as an in-order replay under the same {@code webhook-id}s when {@code batch_size} is 1, never an earlier
 * message on its own after a later one. The first failure of a run gives back the rest of it (nack with backoff
 * and jitter); keys that shared the run with the failed one go back at once. The receiver takes more only while a
 * sender is free, and spreads what it took over the free senders: with small batches and many keys a run carries
 * several keys, each delivered in order, one after another, so a hanging request holds the keys after it in its run
 * until it times out. A key being delivered again is a run of its own, so a key that keeps failing holds no other.
 */
public final class PushDeliverer
        implements LeasedWork
{
    private static final Logger LOG = LoggerFactory.getLogger(PushDeliverer.class);
    private static final Duration IDLE_RECHECK = Duration.ofSeconds(1);
    /** The most messages of one group handed to a sender at once (a hot key's whole share of the window, as a rule). */
    static final int RUN = 1000;
    /**
     * Group heads a receive takes per free sender, at least: with small batches each sender then delivers several keys one
     * after another instead of the receive loop taking one key per free sender (one statement per key when busy).
     */
    static final int HEADS_PER_SENDER = 32;
    /** A batch is sent only if its request times out this long before the run's visibility does. */
    private static final Duration VISIBILITY_MARGIN = Duration.ofSeconds(2);
    private static final Duration ACK_LINGER = Duration.ofMillis(2);
    private static final int ACK_BATCH = 1000;

    private final Store store;
    private final SecretBox secrets;
    private final HeldLease lease;
    private final ConsumerId consumerId;
    private final PushSettings settings;
    private final MessageSignals signals;
    private final WebhookClient client;
    private final MessageStore messages;
    private final MessageTransforms transforms;
    private final FailureTracker failures = new FailureTracker();
    private final BlockingQueue<String> acks = new LinkedBlockingQueue<>();
    private final Object outstandingChanged = new Object();
    private int outstanding;
    private volatile boolean stopped;
    private Consumer consumer;
    private Target target;

    public PushDeliverer(Store store, SecretBox secrets, HeldLease lease, ConsumerId consumerId, PushSettings settings, MessageSignals signals, WebhookClient client,
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
        Map<String, String> context = MDC.getCopyOfContextMap();
        Thread acker = new Thread(() -> {
            MDC.setContextMap(context == null ? Map.of() : context);
            writeAcks();
        }, "sluice-push-acks-" + consumerId);
        acker.setDaemon(true);
        acker.start();
        try {
            while (running()) {
                try {
                    deliverOnce(senders);
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
            // the acks of every answered request are written before the lease is given up
            acker.interrupt();
            try {
                acker.join(10_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Receives runs for the free senders and hands them over; waits for a signal when there is nothing to send. */
    private void deliverOnce(ExecutorService senders)
    {
        long version = signals.version(consumerId);
        if (!refreshConfiguration()) {
            await(version, IDLE_RECHECK);
            return;
        }
        int free = awaitFreeSenders();
        if (free == 0) {
            return;
        }
        Consumer current = consumer;
        Target currentTarget = target;
        Duration visibility = settings.requestTimeout().plus(Duration.ofSeconds(10));
        Instant visibleUntil = Instant.now().plus(visibility);
        List<MessageStore.Delivery> received = messages.receive(consumerId, free * Math.max(HEADS_PER_SENDER, current.batchSize()), visibility,
                current.maxDeliver(), current.maxAckPending(), Math.max(RUN, current.batchSize()), lease::fence);
        if (received.isEmpty()) {
            Duration wait = messages.nextDue(consumerId)
                    .map(due -> Duration.between(Instant.now(), due))
                    .filter(untilDue -> untilDue.compareTo(IDLE_RECHECK) < 0)
                    .map(untilDue -> untilDue.isNegative() ? Duration.ofMillis(1) : untilDue)
                    .orElse(IDLE_RECHECK);
            await(version, wait);
            return;
        }
        List<MessageTransforms.Transformed> transformed = transforms.apply(current, received);
        Map<String, String> context = MDC.getCopyOfContextMap();
        List<List<List<MessageTransforms.Transformed>>> runs = runs(transformed, current.batchSize(), free);
        for (int handed = 0; handed < runs.size(); handed++) {
            List<List<MessageTransforms.Transformed>> run = runs.get(handed);
            synchronized (outstandingChanged) {
                outstanding++;
            }
            try {
                senders.submit(() -> {
                    MDC.setContextMap(context == null ? Map.of() : context);
                    try {
                        sendRun(current, currentTarget, run, visibleUntil);
                    }
                    catch (RuntimeException e) {
                        LOG.warn("delivery of consumer {} failed: {}", consumerId, e.getMessage());
                    }
                    finally {
                        returnOutstanding();
                    }
                });
            }
            catch (RuntimeException e) {
                // not handed over (the senders are shutting down): its count comes back here, its messages go back at once
                returnOutstanding();
                List<String> unsent = runs.subList(handed, runs.size()).stream().flatMap(List::stream).flatMap(List::stream)
                        .map(delivery -> delivery.delivery().ackId()).toList();
                try {
                    messages.release(consumerId, unsent, Duration.ZERO);
                }
                catch (RuntimeException releaseFailure) {
                    // they come due again after their visibility timeout
                    e.addSuppressed(releaseFailure);
                }
                throw e;
            }
        }
    }

    private void returnOutstanding()
    {
        synchronized (outstandingChanged) {
            outstanding--;
            outstandingChanged.notifyAll();
        }
    }

    /**
     * Cuts deliveries into runs of batches for {@code senders} free senders: a run holds whole groups (each group's
     * messages together, in order) until it has a batch's worth and its share of what was received, and is cut into
     * batches of up to {@code batchSize} in that order. A group is never split across runs, so one sender delivers it in
     * order; groups shorter than a batch share batches, and with more groups than senders a run carries several. A group
     * being delivered again is a run of its own.
     */
    static List<List<List<MessageTransforms.Transformed>>> runs(List<MessageTransforms.Transformed> deliveries, int batchSize, int senders)
    {
        Map<String, List<MessageTransforms.Transformed>> groups = new LinkedHashMap<>();
        for (MessageTransforms.Transformed delivery : deliveries) {
            groups.computeIfAbsent(delivery.delivery().message().groupKey(), key -> new ArrayList<>()).add(delivery);
        }
        int share = (deliveries.size() + senders - 1) / Math.max(1, senders);
        int least = Math.max(batchSize, share);
        List<List<List<MessageTransforms.Transformed>>> runs = new ArrayList<>();
        List<MessageTransforms.Transformed> run = new ArrayList<>();
        for (List<MessageTransforms.Transformed> group : groups.values()) {
            if (group.get(0).delivery().message().deliverCount() > 1) {
                // a key delivered before (it failed, or its worker died) goes alone: if it fails again it holds no other key
                runs.add(batches(group, batchSize));
                continue;
            }
            run.addAll(group);
            if (run.size() >= least) {
                runs.add(batches(run, batchSize));
                run = new ArrayList<>();
            }
        }
        if (!run.isEmpty()) {
            runs.add(batches(run, batchSize));
        }
        return runs;
    }

    private static List<List<MessageTransforms.Transformed>> batches(List<MessageTransforms.Transformed> run, int batchSize)
    {
        List<List<MessageTransforms.Transformed>> batches = new ArrayList<>();
        for (int start = 0; start < run.size(); start += batchSize) {
            batches.add(List.copyOf(run.subList(start, Math.min(run.size(), start + batchSize))));
        }
        return batches;
    }

    /**
     * Sends a run's batches in order, each once the one before it was answered 2xx (its acks queued, not yet durable); the
     * first that fails is retried later with every batch after it.
     */
    private void sendRun(Consumer consumer, Target target, List<List<MessageTransforms.Transformed>> run, Instant visibleUntil)
    {
        for (int i = 0; i < run.size(); i++) {
            if (!running()) {
                // what is left times out and is delivered again by the lease's next holder
                return;
            }
            if (Instant.now().plus(settings.requestTimeout()).plus(VISIBILITY_MARGIN).isAfter(visibleUntil)) {
                // a slow target, or a run that waited long for a sender: the rest could still be in flight when its visibility
                // ends and another receive takes it; it goes back instead and comes again once this run's acks have landed
                List<MessageStore.Delivery> rest = run.subList(i, run.size()).stream().flatMap(List::stream)
                        .map(MessageTransforms.Transformed::delivery).toList();
                messages.release(consumerId, rest.stream().map(MessageStore.Delivery::ackId).toList(), Duration.ZERO);
                return;
            }
            Optional<String> failure = attempt(consumer, target, run.get(i));
            if (failure.isPresent()) {
                List<MessageStore.Delivery> failed = run.get(i).stream().map(MessageTransforms.Transformed::delivery).toList();
                List<MessageStore.Delivery> unsent = run.subList(i + 1, run.size()).stream().flatMap(List::stream)
                        .map(MessageTransforms.Transformed::delivery).toList();
                int attempts = failed.stream().mapToInt(delivery -> delivery.message().deliverCount()).max().orElse(1);
                Duration delay = backoff(attempts);
                LOG.info("delivery to consumer {} failed ({}); retrying in {} ms", consumerId, failure.get(), delay.toMillis());
                failures.failed(failure.get());
                // the run's earlier batches were answered and their acks are queued; the batches after the failed one were
                // never sent, so their attempts do not count. The failed keys' later messages wait with them; other keys
                // that shared the run go back at once
                messages.nack(consumerId, failed.stream().map(MessageStore.Delivery::ackId).toList(), delay);
                Set<String> failedKeys = failed.stream().map(delivery -> delivery.message().groupKey()).collect(Collectors.toSet());
                Map<Boolean, List<String>> later = unsent.stream().collect(Collectors.partitioningBy(
                        delivery -> failedKeys.contains(delivery.message().groupKey()), Collectors.mapping(MessageStore.Delivery::ackId, Collectors.toList())));
                if (!later.get(true).isEmpty()) {
                    messages.release(consumerId, later.get(true), delay);
                }
                if (!later.get(false).isEmpty()) {
                    messages.release(consumerId, later.get(false), Duration.ZERO);
                }
                store.useHandle(handle -> handle.attach(DataPlaneDao.class).recordDeliveryError(consumerId, failure.get()));
                return;
            }
        }
    }

    /** {@link #send}, with an unexpected exception taken as a failed attempt: the batch is retried like one the target refused, not left to its visibility timeout. */
    private Optional<String> attempt(Consumer consumer, Target target, List<MessageTransforms.Transformed> batch)
    {
        try {
            return send(consumer, target, batch);
        }
        catch (RuntimeException e) {
            LOG.warn("sending a batch of consumer {} failed", consumerId, e);
            return Optional.of("the delivery failed: " + e);
        }
    }

    /** POSTs one batch; on 2xx queues its acks and returns nothing, otherwise what went wrong. */
    private Optional<String> send(Consumer consumer, Target target, List<MessageTransforms.Transformed> transformed)
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
        // unique per consumer and message (or batch), the same on every retry of it
        String webhookId = batch.size() == 1
                ? "msg_" + consumerId + "_" + batch.get(0).message().seq()
                : "batch_" + consumerId + "_" + batch.get(0).message().seq() + "_" + batch.get(batch.size() - 1).message().seq();
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
        if (!result.succeeded()) {
            return Optional.of(result.describe());
        }
        failures.succeeded();
        DeliveryCounters.of(store).deliveredToEndpoint(consumerId);
        batch.forEach(delivery -> acks.add(delivery.ackId()));
        return Optional.empty();
    }

    /** Writes queued acks every few milliseconds, in queue order; keeps them when the store cannot take them yet. */
    private void writeAcks()
    {
        List<String> pending = new ArrayList<>();
        while (true) {
            boolean interrupted = false;
            try {
                if (pending.isEmpty()) {
                    pending.add(acks.take());
                }
                Thread.sleep(ACK_LINGER.toMillis());
            }
            catch (InterruptedException e) {
                interrupted = true;
            }
            acks.drainTo(pending, ACK_BATCH - pending.size());
            if (!pending.isEmpty()) {
                try {
                    messages.ack(consumerId, pending);
                    pending.clear();
                    // the acked groups' next messages are due now: the receiver need not wait for new ones to arrive
                    signals.signal(consumerId);
                }
                catch (RuntimeException e) {
                    LOG.warn("acknowledging {} deliveries of consumer {} failed, retrying: {}", pending.size(), consumerId, e.getMessage());
                    if (interrupted) {
                        return;
                    }
                    sleep(Duration.ofMillis(200));
                }
            }
            if (interrupted && acks.isEmpty() && pending.isEmpty()) {
                return;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                acks.drainTo(pending);
                if (!pending.isEmpty()) {
                    try {
                        messages.ack(consumerId, pending);
                    }
                    catch (RuntimeException e) {
                        LOG.warn("acknowledging {} deliveries of consumer {} failed: {}", pending.size(), consumerId, e.getMessage());
                    }
                }
                return;
            }
        }
    }

    /** Reads the consumer and its endpoint on every receive (a rotated secret or a new URL applies at once); false when there is nothing to deliver to. */
    private boolean refreshConfiguration()
    {
        Optional<Consumer> found = store.onDemand(DataPlaneDao.class).consumerAcrossAccounts(consumerId);
        if (found.isEmpty() || found.get().kind() != Consumer.Kind.PUSH) {
            lease.markLost();
            return false;
        }
        consumer = found.get();
        MDC.put("account", consumer.accountId().value());
        MDC.put("consumer", consumerId.value());
        target = consumer.endpointId()
                .flatMap(endpointId -> store.onDemand(DataPlaneDao.class).endpointAcrossAccounts(endpointId))
                .map(endpoint -> target(consumer, endpoint))
                .orElse(null);
        return consumer.active() && target != null;
    }

    private int awaitFreeSenders()
    {
        synchronized (outstandingChanged) {
            long deadline = System.nanoTime() + IDLE_RECHECK.toNanos();
            while (outstanding >= settings.concurrency()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !running()) {
                    return 0;
                }
                try {
                    outstandingChanged.wait(Math.max(1, remaining / 1_000_000));
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
            return settings.concurrency() - outstanding;
        }
    }

    /** Exponential backoff with jitter: base × 2^(attempts − 1), capped, then scaled by a random factor in [0.5, 1]. */
    Duration backoff(int attempts)
    {
        return settings.backoff().delay(Math.max(1, attempts));
    }

    private Target target(Consumer consumer, HttpEndpoint endpoint)
    {
        Map<String, String> headers = new LinkedHashMap<>(endpoint.headers());
        endpoint.secretHeadersEncrypted()
                .map(encrypted -> Json.read(secrets.decrypt(encrypted), new TypeReference<Map<String, String>>() {}))
                .ifPresent(headers::putAll);
        // the current secret and every one a rotation replaced less than 24 hours ago (read again at least once a second)
        List<String> signing = WebhookSigner.secrets(endpoint, secrets, Instant.now());
        String url = endpoint.url() + consumer.path().orElse("");
        return new Target(url, headers, signing);
    }

    private void await(long version, Duration timeout)
    {
        try {
            signals.await(consumerId, version, timeout);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration)
    {
        Backoff.pause(duration);
    }

    private record Target(String url, Map<String, String> headers, List<String> signingSecrets) {}
}
