package dev.sluice.control.message;

import dev.sluice.control.consumer.ConsumerService;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.id.AccountId;
import dev.sluice.store.Page;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.stream.MessageSignals;
import dev.sluice.stream.MessageStore;
import dev.sluice.stream.MessageTransforms;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The pull API over a consumer's stream: receive with long polling, ack, nack, dead letters. */
public final class DeliveryService
{
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final ConsumerService consumers;
    private final MessageStore messages;
    private final MessageSignals signals;
    private final MessageTransforms transforms;

    public DeliveryService(ConsumerService consumers, MessageStore messages, MessageSignals signals)
    {
        this.consumers = requireNonNull(consumers, "consumers is null");
        this.messages = requireNonNull(messages, "messages is null");
        this.signals = requireNonNull(signals, "signals is null");
        this.transforms = new MessageTransforms(messages);
    }

    /**
     * Receives up to {@code batchSize} messages. With a wait, an empty receive sleeps until extraction
     * signals new messages for the consumer (or a delayed message's time comes), then tries again.
     */
    public Received receive(AccountId accountId, String consumerIdOrName, int batchSize, Duration wait)
            throws InterruptedException
    {
        Consumer consumer = pullConsumer(accountId, consumerIdOrName);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long version = signals.version(consumer.id());
            if (!consumer.active()) {
                return new Received(consumer, List.of());
            }
            List<MessageStore.Delivery> deliveries = messages.receive(consumer.id(), batchSize,
                    Duration.ofSeconds(consumer.visibilityTimeoutSeconds()), consumer.maxDeliver(), consumer.maxAckPending());
            List<MessageTransforms.Transformed> transformed = transforms.apply(consumer, deliveries);
            long remaining = deadline - System.nanoTime();
            if (!transformed.isEmpty() || remaining <= 0) {
                return new Received(consumer, transformed);
            }
            // woken at once by a signal; the recheck bound only matters for nacked or timed-out messages coming due
            signals.await(consumer.id(), version, Duration.ofNanos(Math.min(remaining, RECHECK.toNanos())));
        }
    }

    public Map<String, MessageStore.Outcome> ack(AccountId accountId, String consumerIdOrName, List<String> ackIds)
    {
        Consumer consumer = pullConsumer(accountId, consumerIdOrName);
        return messages.ack(consumer.id(), ackIds);
    }

    public Map<String, MessageStore.Outcome> nack(AccountId accountId, String consumerIdOrName, List<String> ackIds, Duration delay)
    {
        Consumer consumer = pullConsumer(accountId, consumerIdOrName);
        Map<String, MessageStore.Outcome> outcomes = messages.nack(consumer.id(), ackIds, delay);
        if (delay.isZero()) {
            signals.signal(consumer.id());
        }
        return outcomes;
    }

    public Page<MessageStore.DeadLetter> deadLetters(AccountId accountId, String consumerIdOrName, String after, int limit)
    {
        Consumer consumer = consumers.get(accountId, consumerIdOrName);
        long afterSeq = after.isEmpty() ? 0 : parseSeq("after", after);
        return messages.deadLetters(consumer.id(), afterSeq, limit);
    }

    public long redrive(AccountId accountId, String consumerIdOrName, Optional<List<String>> ids)
    {
        Consumer consumer = consumers.get(accountId, consumerIdOrName);
        long count = messages.redrive(consumer.id(), ids.map(DeliveryService::seqs));
        signals.signal(consumer.id());
        return count;
    }

    public long discard(AccountId accountId, String consumerIdOrName, Optional<List<String>> ids)
    {
        Consumer consumer = consumers.get(accountId, consumerIdOrName);
        return messages.discard(consumer.id(), ids.map(DeliveryService::seqs));
    }

    private Consumer pullConsumer(AccountId accountId, String consumerIdOrName)
    {
        Consumer consumer = consumers.get(accountId, consumerIdOrName);
        if (consumer.kind() != Consumer.Kind.PULL) {
            throw new SluiceException(ErrorCode.INVALID_STATE, "consumer '" + consumer.name() + "' is a push consumer; its messages are delivered to its HTTP endpoint");
        }
        return consumer;
    }

    private static List<Long> seqs(List<String> ids)
    {
        return ids.stream().map(id -> parseSeq("ids", id)).toList();
    }

    private static long parseSeq(String field, String id)
    {
        try {
            return Long.parseLong(id);
        }
        catch (NumberFormatException e) {
            throw SluiceException.invalid(field, "'" + id + "' is not a message id");
        }
    }

    /** Messages handed out by one receive, with the consumer they belong to. */
    public record Received(Consumer consumer, List<MessageTransforms.Transformed> deliveries) {}
}
