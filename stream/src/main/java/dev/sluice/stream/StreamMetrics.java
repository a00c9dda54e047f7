package dev.sluice.stream;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The metrics of Sluice's streams, per source and per consumer, labelled with ids only: an id is unique
 * across accounts and never a secret. Counters count what this process did (sum them over processes);
 * gauges read from the metadata store are exported by the worker that holds the source's lease, so each
 * source's and consumer's gauges come from exactly one process at a time.
 */
public final class StreamMetrics
{
    private static final List<String> SOURCE_STATES = List.of("idle", "streaming", "failed", "slot_lost");

    private final PrometheusRegistry registry;
    private final Counter changesRead;
    private final Counter messagesStored;
    private final Counter delivered;
    private final Counter retried;
    private final Counter acked;
    private final Counter deadLettered;
    private final Histogram latency;
    private final Gauge slotLag;
    private final Gauge backlog;
    private final Gauge inFlight;
    private final Gauge deadLetters;
    private final Gauge consumerInfo;
    private final Gauge sourceInfo;
    private final Gauge sourceState;
    private final Gauge leaseHeld;

    public StreamMetrics(PrometheusRegistry registry)
    {
        this.registry = requireNonNull(registry, "registry is null");
        changesRead = Counter.builder().name("sluice_source_changes_read_total")
                .help("Row changes read from the source's replication stream and backfills.").labelNames("source").register(registry);
        messagesStored = Counter.builder().name("sluice_consumer_messages_stored_total")
                .help("Messages stored into the consumer's stream.").labelNames("consumer").register(registry);
        delivered = Counter.builder().name("sluice_consumer_messages_delivered_total")
                .help("Message deliveries: pull receives and webhook attempts, redeliveries included.").labelNames("consumer").register(registry);
        retried = Counter.builder().name("sluice_consumer_messages_retried_total")
                .help("Deliveries of a message delivered before (after a nack, a failed webhook or a visibility timeout).").labelNames("consumer").register(registry);
        acked = Counter.builder().name("sluice_consumer_messages_acked_total")
                .help("Messages acknowledged (pull ack or webhook 2xx).").labelNames("consumer").register(registry);
        deadLettered = Counter.builder().name("sluice_consumer_messages_dead_lettered_total")
                .help("Messages moved to the consumer's dead letters.").labelNames("consumer").register(registry);
        latency = Histogram.builder().name("sluice_consumer_delivery_latency_seconds")
                .help("Time from the change's commit on the source to its acknowledgement.").labelNames("consumer")
                .classicOnly().classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
                .register(registry);
        slotLag = Gauge.builder().name("sluice_source_slot_lag_bytes")
                .help("WAL the source keeps for Sluice's replication slot beyond what Sluice confirmed.").labelNames("source").register(registry);
        backlog = Gauge.builder().name("sluice_consumer_backlog_messages")
                .help("Messages in the consumer's stream, in flight included.").labelNames("consumer").register(registry);
        inFlight = Gauge.builder().name("sluice_consumer_in_flight_messages")
                .help("Messages delivered and waiting for an ack.").labelNames("consumer").register(registry);
        deadLetters = Gauge.builder().name("sluice_consumer_dead_letters")
                .help("Messages in the consumer's dead letters.").labelNames("consumer").register(registry);
        consumerInfo = Gauge.builder().name("sluice_consumer_info")
                .help("Always 1: a consumer's account, source and kind, to join on the consumer label.")
                .labelNames("consumer", "account", "source", "kind").register(registry);
        sourceInfo = Gauge.builder().name("sluice_source_info")
                .help("Always 1: a source's account, to join on the source label.").labelNames("source", "account").register(registry);
        sourceState = Gauge.builder().name("sluice_source_state")
                .help("1 for the source's current state (idle, streaming, failed, slot_lost), 0 for the others.").labelNames("source", "state").register(registry);
        leaseHeld = Gauge.builder().name("sluice_lease_held")
                .help("1 for each work unit (extract:<source>, deliver:<consumer>) this worker holds.").labelNames("worker", "unit").register(registry);
    }

    /** Metrics kept in a registry of their own, for code run without a server (tests, tools). */
    public static StreamMetrics unregistered()
    {
        return new StreamMetrics(new PrometheusRegistry());
    }

    public PrometheusRegistry registry()
    {
        return registry;
    }

    public void changesRead(SourceId sourceId, long count)
    {
        changesRead.labelValues(sourceId.value()).inc(count);
    }

    /** Counts stored messages per consumer; call it once their transaction committed. */
    public void messagesStored(List<NewMessage> messages)
    {
        Map<String, Long> perConsumer = new HashMap<>();
        messages.forEach(message -> perConsumer.merge(message.consumerId().value(), 1L, Long::sum));
        perConsumer.forEach((consumerId, count) -> messagesStored.labelValues(consumerId).inc(count));
    }

    public void delivered(ConsumerId consumerId, long count, long redeliveries)
    {
        delivered.labelValues(consumerId.value()).inc(count);
        retried.labelValues(consumerId.value()).inc(redeliveries);
    }

    /** Messages acknowledged, with the commit time of each on the source. */
    public void acked(ConsumerId consumerId, Collection<Instant> commitTimestamps)
    {
        acked.labelValues(consumerId.value()).inc(commitTimestamps.size());
        Instant now = Instant.now();
        DistributionDataPoint point = latency.labelValues(consumerId.value());
        for (Instant committed : commitTimestamps) {
            point.observe(Math.max(0, Duration.between(committed, now).toNanos()) / 1e9);
        }
    }

    public void deadLettered(ConsumerId consumerId, long count)
    {
        deadLettered.labelValues(consumerId.value()).inc(count);
    }

    public void slotLag(SourceId sourceId, long bytes)
    {
        slotLag.labelValues(sourceId.value()).set((double) bytes);
    }

    public void source(SourceId sourceId, String accountId, String state)
    {
        sourceInfo.labelValues(sourceId.value(), accountId).set(1);
        for (String known : SOURCE_STATES) {
            sourceState.labelValues(sourceId.value(), known).set(known.equals(state) ? 1 : 0);
        }
    }

    public void consumer(ConsumerId consumerId, String accountId, SourceId sourceId, String kind, long backlogCount, long inFlightCount, long deadLetterCount)
    {
        consumerInfo.labelValues(consumerId.value(), accountId, sourceId.value(), kind).set(1);
        backlog.labelValues(consumerId.value()).set((double) backlogCount);
        inFlight.labelValues(consumerId.value()).set((double) inFlightCount);
        deadLetters.labelValues(consumerId.value()).set((double) deadLetterCount);
    }

    /** Drops the gauges of a source this process no longer reports on (its lease moved, it was deleted). */
    public void forgetSource(SourceId sourceId, String accountId)
    {
        slotLag.remove(sourceId.value());
        sourceInfo.remove(sourceId.value(), accountId);
        SOURCE_STATES.forEach(state -> sourceState.remove(sourceId.value(), state));
    }

    public void forgetConsumer(ConsumerId consumerId, String accountId, SourceId sourceId, String kind)
    {
        consumerInfo.remove(consumerId.value(), accountId, sourceId.value(), kind);
        backlog.remove(consumerId.value());
        inFlight.remove(consumerId.value());
        deadLetters.remove(consumerId.value());
    }

    public void leaseHeld(String workerId, String unit, boolean held)
    {
        if (held) {
            leaseHeld.labelValues(workerId, unit).set(1);
        }
        else {
            leaseHeld.remove(workerId, unit);
        }
    }
}
