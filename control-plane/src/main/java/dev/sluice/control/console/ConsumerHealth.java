package dev.sluice.control.console;

import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao.DeliveryHealth;
import dev.sluice.stream.MessageStore;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A consumer's health as an operator needs it at a glance: the worst of paused, failing, dead letters and
 * a growing backlog, in words and a colour ({@code good}, {@code warn}, {@code bad}). "Active" alone says
 * nothing about whether messages get anywhere.
 */
record ConsumerHealth(String level, String summary, List<String> problems)
{
    /** Minutes of throughput compared to tell a growing backlog from one being worked off. */
    static final int TREND_MINUTES = 5;

    ConsumerHealth
    {
        requireNonNull(level, "level is null");
        requireNonNull(summary, "summary is null");
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
    }

    static ConsumerHealth of(Consumer consumer, MessageStore.Counts counts, Optional<DeliveryHealth> delivery, List<MessageStore.Minute> recent)
    {
        List<String> problems = new ArrayList<>();
        String level = "good";
        if (failing(delivery)) {
            problems.add("failing: every delivery since " + Pages.time(delivery.orElseThrow().lastDeliveryErrorAt()) + " failed");
            level = "bad";
        }
        if (counts.deadLetters() > 0) {
            problems.add(counts.deadLetters() + (counts.deadLetters() == 1 ? " dead letter" : " dead letters"));
            level = "bad";
        }
        if (!consumer.active()) {
            problems.add("paused");
            level = worse(level, "warn");
        }
        List<MessageStore.Minute> trend = recent.subList(Math.max(0, recent.size() - TREND_MINUTES), recent.size());
        long stored = trend.stream().mapToLong(MessageStore.Minute::stored).sum();
        long acked = trend.stream().mapToLong(MessageStore.Minute::acked).sum();
        if (counts.backlog() > 0 && stored > acked) {
            problems.add("backlog growing: " + stored + " stored, " + acked + " acknowledged in " + TREND_MINUTES + " minutes");
            level = worse(level, "warn");
        }
        if (problems.isEmpty()) {
            return new ConsumerHealth("good", counts.backlog() == 0 ? "healthy: caught up" : "healthy: backlog shrinking", List.of());
        }
        return new ConsumerHealth(level, String.join(" · ", problems), problems);
    }

    /** The last delivery attempt failed: an error after the last success, or errors and no success at all. */
    private static boolean failing(Optional<DeliveryHealth> delivery)
    {
        if (delivery.isEmpty() || delivery.get().lastDeliveryErrorAt() == null) {
            return false;
        }
        OffsetDateTime delivered = delivery.get().lastDeliveredAt();
        return delivered == null || delivery.get().lastDeliveryErrorAt().isAfter(delivered);
    }

    private static String worse(String current, String candidate)
    {
        return current.equals("bad") ? current : candidate;
    }
}
