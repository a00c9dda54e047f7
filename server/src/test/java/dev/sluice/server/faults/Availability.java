package dev.sluice.server.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * How long each fault stopped each consumer's deliveries. Per fault: the longest gap between two deliveries (from the
 * fault's start to the next fault's), and the time from the fault's end ("back": a restarted server accepting
 * connections again, a killed worker gone) to the first delivery of a change committed after it: streaming resumed
 * end to end.
 */
final class Availability
{
    private final List<Fault> faults = new ArrayList<>();

    /**
     * A fault that began at {@code start} and was over at {@code back}; {@code unaffected} are the consumers none of whose
     * units the fault touched, whose gaps must stay short until {@code back}.
     */
    synchronized void fault(String name, Instant start, Instant back, Set<String> unaffected)
    {
        faults.add(new Fault(name, start, back, Set.copyOf(unaffected)));
    }

    record Fault(String name, Instant start, Instant back, Set<String> unaffected)
    {
        Fault
        {
            requireNonNull(name, "name is null");
        }
    }

    /** What one fault did to one consumer. */
    record Effect(Duration longestGap, Optional<Duration> resumed, Duration longestGapUntilBack) {}

    /** Per fault in order, per consumer, what it did; the window of a fault ends where the next one starts (or at {@code end}). */
    synchronized List<Map.Entry<Fault, Map<String, Effect>>> effects(Map<String, History> histories, Instant end)
    {
        List<Map.Entry<Fault, Map<String, Effect>>> effects = new ArrayList<>();
        for (int index = 0; index < faults.size(); index++) {
            Fault fault = faults.get(index);
            Instant windowEnd = index + 1 < faults.size() ? faults.get(index + 1).start() : end;
            Map<String, Effect> perConsumer = new TreeMap<>();
            histories.forEach((name, history) -> perConsumer.put(name, effect(history.arrivals(), fault, windowEnd)));
            effects.add(Map.entry(fault, perConsumer));
        }
        return effects;
    }

    /** The window ends at the next fault, or later when the consumer had not resumed by then. */
    private static Effect effect(List<History.Arrival> arrivals, Fault fault, Instant nextFault)
    {
        Optional<Instant> resumed = arrivals.stream()
                .filter(arrival -> !arrival.at().isBefore(fault.back()) && !arrival.committedAt().isBefore(fault.back()))
                .findFirst().map(History.Arrival::at);
        Instant windowEnd = resumed.filter(at -> at.isAfter(nextFault)).orElse(nextFault);
        return new Effect(longestGap(arrivals, fault.start(), windowEnd), resumed.map(at -> Duration.between(fault.back(), at)),
                longestGap(arrivals, fault.start(), fault.back()));
    }

    /** The longest time between two deliveries in [from, to], counting from {@code from} and up to {@code to}. */
    private static Duration longestGap(List<History.Arrival> arrivals, Instant from, Instant to)
    {
        Instant last = from;
        Duration longest = Duration.ZERO;
        for (History.Arrival arrival : arrivals) {
            if (arrival.at().isBefore(from)) {
                continue;
            }
            if (arrival.at().isAfter(to)) {
                break;
            }
            longest = max(longest, Duration.between(last, arrival.at()));
            last = arrival.at();
        }
        return max(longest, Duration.between(last, to));
    }

    private static Duration max(Duration a, Duration b)
    {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The report: every fault with its figures per consumer, then the worst per kind of fault. */
    ObjectNode report(Map<String, History> histories, Instant started, Instant end)
    {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        ArrayNode each = report.putArray("faults");
        Map<String, ObjectNode> worst = new TreeMap<>();
        for (Map.Entry<Fault, Map<String, Effect>> entry : effects(histories, end)) {
            Fault fault = entry.getKey();
            ObjectNode line = each.addObject();
            line.put("fault", fault.name());
            line.put("at_seconds", Duration.between(started, fault.start()).toMillis() / 1000.0);
            line.put("lasted_ms", Duration.between(fault.start(), fault.back()).toMillis());
            ObjectNode consumers = line.putObject("consumers");
            ObjectNode worstOfKind = worst.computeIfAbsent(fault.name(), ignored -> JsonNodeFactory.instance.objectNode());
            worstOfKind.put("times", worstOfKind.path("times").asInt() + 1);
            entry.getValue().forEach((consumer, effect) -> {
                ObjectNode figures = consumers.putObject(consumer);
                figures.put("longest_gap_ms", effect.longestGap().toMillis());
                figures.put("resumed_ms", effect.resumed().map(Duration::toMillis).orElse(-1L));
                if (fault.unaffected().contains(consumer)) {
                    figures.put("unaffected_longest_gap_until_back_ms", effect.longestGapUntilBack().toMillis());
                }
                ObjectNode worstOfConsumer = worstOfKind.has(consumer) ? (ObjectNode) worstOfKind.get(consumer) : worstOfKind.putObject(consumer);
                worstOfConsumer.put("longest_gap_ms", Math.max(worstOfConsumer.path("longest_gap_ms").asLong(), effect.longestGap().toMillis()));
                worstOfConsumer.put("resumed_ms", Math.max(worstOfConsumer.path("resumed_ms").asLong(), effect.resumed().map(Duration::toMillis).orElse(-1L)));
            });
        }
        ObjectNode summary = report.putObject("worst_per_fault");
        worst.forEach(summary::set);
        return report;
    }
}
