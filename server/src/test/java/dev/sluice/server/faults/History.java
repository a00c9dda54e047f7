package dev.sluice.server.faults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * What one consumer was handed and what it acknowledged, per key, in the order it happened, checked against
 * what the source committed. Each row of the source carries a version: 1 when inserted, one more with each
 * update; a delete carries the row's last version (REPLICA IDENTITY FULL). So the complete, ordered history
 * of a key is {@code insert 1, update 2, …, update n} and, if the row is gone, {@code delete n}.
 *
 * <p>A message handed out again under the same id (its visibility ran out, or the worker delivering it died)
 * is a redelivery, allowed until the message is acknowledged. For webhooks (acknowledgements not final), a
 * key may also be replayed: handed out again from an earlier message, in order, up to where it was (a worker
 * died after 2xx answers whose acks it never wrote). Everything else is a fault: a committed change never
 * acknowledged (lost), a change handed out before an earlier one of its key, or an earlier message again
 * without the later ones after it (out of order), the same change under two ids or an acknowledged message
 * handed out again (duplicate), a message matching no committed change (unexpected).
 */
public final class History
{
    private final Map<String, List<Event>> events = new HashMap<>();
    private final boolean acknowledgementsAreFinal;

    /**
     * @param acknowledgementsAreFinal true when an acknowledgement is known to have been recorded (a pull
     *         ack answered {@code ok}); false for webhooks, where a 2xx the worker never recorded (it died
     *         first) is legitimately followed by a redelivery
     */
    public History(boolean acknowledgementsAreFinal)
    {
        this.acknowledgementsAreFinal = acknowledgementsAreFinal;
    }

    /** When messages arrived and when their changes were committed at the source, in arrival order. */
    private final List<Arrival> arrivals = new ArrayList<>();

    /** A message arrived now; its change was committed at {@code committedAt}. */
    public synchronized void arrived(Instant committedAt)
    {
        arrivals.add(new Arrival(Instant.now(), committedAt));
    }

    public synchronized List<Arrival> arrivals()
    {
        return List.copyOf(arrivals);
    }

    public synchronized Optional<Arrival> lastArrival()
    {
        return arrivals.isEmpty() ? Optional.empty() : Optional.of(arrivals.get(arrivals.size() - 1));
    }

    public record Arrival(Instant at, Instant committedAt) {}

    public synchronized void delivered(String key, String messageId, String action, long version)
    {
        events.computeIfAbsent(key, ignored -> new ArrayList<>()).add(new Event(messageId, action, version, false));
    }

    public synchronized void acknowledged(String key, String messageId)
    {
        events.computeIfAbsent(key, ignored -> new ArrayList<>()).add(new Event(messageId, "", 0, true));
    }

    public synchronized Set<String> keys()
    {
        return Set.copyOf(events.keySet());
    }

    /** Checks every key of {@code committed} and every key a message was seen for. */
    public synchronized Result check(Map<String, Committed> committed)
    {
        Result result = Result.EMPTY;
        Set<String> keys = new TreeSet<>(committed.keySet());
        keys.addAll(events.keySet());
        for (String key : keys) {
            result = result.plus(checkKey(key, Optional.ofNullable(committed.get(key)), events.getOrDefault(key, List.of())));
        }
        return result;
    }

    private Result checkKey(String key, Optional<Committed> committed, List<Event> history)
    {
        long redeliveries = 0;
        long outOfOrder = 0;
        long duplicates = 0;
        long unexpected = 0;
        Set<String> acknowledged = new HashSet<>();
        Map<String, Event> messages = new LinkedHashMap<>();
        Map<String, String> idOfChange = new HashMap<>();
        // the key's messages in the order they were first handed out, and during a replay the index of the one due next
        List<String> handedOut = new ArrayList<>();
        int replayNext = -1;
        String lastMessage = null;
        long lastVersion = 0;
        boolean deleted = false;
        for (Event event : history) {
            if (event.acknowledgement()) {
                acknowledged.add(event.messageId());
                continue;
            }
            if (messages.containsKey(event.messageId())) {
                int at = handedOut.indexOf(event.messageId());
                if (acknowledged.contains(event.messageId()) && acknowledgementsAreFinal) {
                    duplicates++;
                }
                else if (event.messageId().equals(lastMessage)) {
                    redeliveries++;
                }
                else if (!acknowledgementsAreFinal && (replayNext < 0 || at <= replayNext)) {
                    // a replay (from here, or further back than the one under way): the messages after it must follow in order
                    redeliveries++;
                    replayNext = at + 1;
                }
                else {
                    // an earlier message came back after a later one of its key had been handed out, or a replay skipped one
                    outOfOrder++;
                    replayNext = -1;
                }
                if (replayNext >= handedOut.size()) {
                    replayNext = -1;
                }
                lastMessage = event.messageId();
                continue;
            }
            if (replayNext >= 0) {
                // a new message before the replay reached it: the replay skipped what it had not handed out again
                outOfOrder++;
                replayNext = -1;
            }
            handedOut.add(event.messageId());
            String change = event.action().equals("delete") ? "delete" : Long.toString(event.version());
            if (idOfChange.putIfAbsent(change, event.messageId()) != null) {
                duplicates++;
                continue;
            }
            messages.put(event.messageId(), event);
            // a gap is counted as lost below; going backwards, or anything after the delete, is disorder
            boolean inOrder = !deleted && (event.action().equals("delete") ? event.version() >= lastVersion : event.version() > lastVersion);
            if (!inOrder) {
                outOfOrder++;
            }
            if (!event.action().equals("delete") && event.action().equals("insert") != (event.version() == 1)) {
                unexpected++;
            }
            deleted |= event.action().equals("delete");
            lastVersion = Math.max(lastVersion, event.version());
            lastMessage = event.messageId();
        }
        if (replayNext >= 0) {
            // the key ended on an earlier message than the latest it was handed: a replay that stopped short
            outOfOrder++;
        }

        // what must have been acknowledged: every version up to the row's last, and its delete if it is gone
        Set<String> expected = new HashSet<>();
        boolean gone = committed.map(Committed::gone).orElse(true);
        long lastCommitted = committed.flatMap(Committed::version).orElse(0L);
        if (gone) {
            long highest = messages.values().stream().mapToLong(Event::version).max().orElse(0);
            for (long version = 1; version <= highest; version++) {
                expected.add(Long.toString(version));
            }
            if (committed.isPresent() || !messages.isEmpty()) {
                expected.add("delete");
            }
        }
        else {
            for (long version = 1; version <= lastCommitted; version++) {
                expected.add(Long.toString(version));
            }
        }
        long lost = 0;
        long checked = 0;
        for (String change : expected) {
            String id = idOfChange.get(change);
            if (id != null && acknowledged.contains(id)) {
                checked++;
            }
            else {
                lost++;
            }
        }
        for (String change : idOfChange.keySet()) {
            if (!expected.contains(change)) {
                unexpected++;
            }
        }
        return new Result(1, checked, lost, outOfOrder, duplicates, unexpected, redeliveries,
                lost + outOfOrder + duplicates + unexpected == 0 ? List.of() : List.of(describe(key, committed, history)));
    }

    private static String describe(String key, Optional<Committed> committed, List<Event> history)
    {
        StringBuilder text = new StringBuilder(key).append(" committed=").append(committed.map(Object::toString).orElse("unknown")).append(':');
        for (Event event : history) {
            text.append(' ').append(event.acknowledgement() ? "ack(" + event.messageId() + ")" : event.action() + event.version() + "(" + event.messageId() + ")");
        }
        return text.toString();
    }

    /** A source row's final state: its last version, or deleted (its insert having committed). */
    public record Committed(Optional<Long> version)
    {
        public Committed
        {
            requireNonNull(version, "version is null");
        }

        public static Committed present(long version)
        {
            return new Committed(Optional.of(version));
        }

        public static Committed deleted()
        {
            return new Committed(Optional.empty());
        }

        boolean gone()
        {
            return version.isEmpty();
        }
    }

    /** Counts over all keys, and up to ten keys' histories that broke a rule. */
    public record Result(long keys, long messagesChecked, long lost, long outOfOrder, long duplicates, long unexpected, long redeliveries, List<String> examples)
    {
        static final Result EMPTY = new Result(0, 0, 0, 0, 0, 0, 0, List.of());

        public Result
        {
            examples = List.copyOf(examples);
        }

        Result plus(Result other)
        {
            List<String> joined = new ArrayList<>(examples);
            other.examples.stream().limit(Math.max(0, 10 - joined.size())).forEach(joined::add);
            return new Result(keys + other.keys, messagesChecked + other.messagesChecked, lost + other.lost, outOfOrder + other.outOfOrder,
                    duplicates + other.duplicates, unexpected + other.unexpected, redeliveries + other.redeliveries, joined);
        }

        public boolean clean()
        {
            return lost == 0 && outOfOrder == 0 && duplicates == 0 && unexpected == 0;
        }
    }

    private record Event(String messageId, String action, long version, boolean acknowledgement) {}
}
