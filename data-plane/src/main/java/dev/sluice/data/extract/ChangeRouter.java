package dev.sluice.data.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Lsn;
import dev.sluice.core.filter.Filter;
import dev.sluice.core.filter.FilterEvaluationException;
import dev.sluice.core.filter.Row;
import dev.sluice.data.extract.pgoutput.ValueConverter;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.Consumer.FilterTransitions;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.stream.NewMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * Turns changes into the messages of every consumer that wants them: the consumer reads the table and
 * the action, was created before the change committed, and its filter holds for the row.
 * <p>
 * A filter judges the new row of an insert or update and the old row (or key) of a delete; a row that
 * lacks a column the filter reads (an old key, an unchanged TOAST value Postgres did not send) cannot be
 * judged and is delivered. When the
 * update carries the old row (REPLICA IDENTITY FULL) the filter judges it too: a primary-key change
 * ends the old key's group with a {@code delete} whenever the old row matched (or cannot be judged),
 * and a consumer with {@link FilterTransitions#DELETE_INSERT} learns that a row left its filter (a
 * {@code delete} of the old row) or entered it (an {@code insert}). A row the filter cannot evaluate
 * (Postgres would raise an error) becomes a {@link FilterFailure} for the consumer's dead letters.
 */
public final class ChangeRouter
{
    private static final Logger LOG = LoggerFactory.getLogger(ChangeRouter.class);
    private static final ObjectMapper JSON = ValueConverter.newObjectMapper();
    public static final String TRUNCATE_GROUP = "[\"truncate\"]";

    private final Map<String, Optional<Filter>> filters = new ConcurrentHashMap<>();
    /** The JSON text of each record of the change being routed: written once however many consumers it goes to. */
    private final Map<JsonNode, String> written = new IdentityHashMap<>();
    private final BiFunction<String, String, List<String>> primaryKeys;

    /** How a filter judged one row. */
    private enum Judgement
    {
        MATCHES, DOES_NOT_MATCH, CANNOT_JUDGE, FAILED
    }

    private record Verdict(Judgement judgement, String reason)
    {
        static final Verdict MATCHES = new Verdict(Judgement.MATCHES, "");
        static final Verdict DOES_NOT_MATCH = new Verdict(Judgement.DOES_NOT_MATCH, "");
        static final Verdict CANNOT_JUDGE = new Verdict(Judgement.CANNOT_JUDGE, "");

        boolean matches()
        {
            return judgement == Judgement.MATCHES;
        }

        boolean known()
        {
            return judgement == Judgement.MATCHES || judgement == Judgement.DOES_NOT_MATCH;
        }
    }

    /**
     * @param primaryKeys (schema, table) → primary-key columns, for consumers grouping by the primary key
     */
    public ChangeRouter(BiFunction<String, String, List<String>> primaryKeys)
    {
        this.primaryKeys = requireNonNull(primaryKeys, "primaryKeys is null");
    }

    /**
     * The messages for the consumers; changes a filter could not judge are logged and left out. Use
     * {@link #routeAll} to store them as dead letters instead.
     */
    public List<NewMessage> route(List<Change> changes, List<Consumer> consumers)
    {
        RoutedChanges routed = routeAll(changes, consumers);
        for (FilterFailure failure : routed.failures()) {
            LOG.warn("filter of consumer {} failed on a change of {}.{} at {}: {}; the change is skipped for it", failure.consumerId(),
                    failure.message().tableSchema(), failure.message().tableName(), failure.message().commitLsn(), failure.reason());
        }
        return routed.messages();
    }

    /**
     * The messages for the consumers, and the changes their filters could not judge, each in change order;
     * the caller stores the failures as dead letters (and logs them) in the transaction that stores the messages.
     */
    public RoutedChanges routeAll(List<Change> changes, List<Consumer> consumers)
    {
        List<NewMessage> messages = new ArrayList<>();
        List<FilterFailure> failures = new ArrayList<>();
        for (Change change : changes) {
            written.clear();
            for (Consumer consumer : consumers) {
                route(change, consumer, messages, failures);
            }
        }
        return new RoutedChanges(messages, failures);
    }

    private void route(Change change, Consumer consumer, List<NewMessage> out, List<FilterFailure> failures)
    {
        // a consumer receives what committed after its creation; earlier changes are for backfills
        boolean read = change.action().equals("read");
        if (!change.commitLsn().isAfter(Lsn.valueOf(consumer.startLsn())) || (!read && !consumer.actions().contains(change.action()))) {
            return;
        }
        Optional<TableSelection> table = consumer.tables().stream()
                .filter(selection -> selection.schema().equals(change.schema()) && selection.table().equals(change.table()))
                .findFirst();
        if (table.isEmpty()) {
            return;
        }
        // two message slots per change, in the change's order: a key change emits the old key's delete at 2i and the new
        // key's message at 2i + 1, so the (lsn, index) numbering stays unique and ordered within the transaction
        int index = change.index() * 2;
        if (change.action().equals("truncate")) {
            out.add(message(consumer, change, TRUNCATE_GROUP, "truncate", change.record(), Optional.empty(), index));
            return;
        }
        List<String> primaryKey = primaryKeys.apply(change.schema(), change.table());
        List<String> groupColumns = table.get().groupColumns().isEmpty() ? primaryKey : table.get().groupColumns();
        String group = groupKey(change.record(), groupColumns);
        Optional<Filter> filter = filter(consumer);
        Verdict verdict = judge(filter, change.filterRow());
        if (!change.action().equals("update")) {
            // a delete carries only the key unless REPLICA IDENTITY FULL: a row the filter cannot judge is delivered, never dropped unseen
            emit(message(consumer, change, group, change.action(), change.record(), Optional.empty(), index + 1), verdict, true, out, failures);
            return;
        }
        Verdict oldVerdict = change.oldRow().map(old -> judge(filter, old)).orElse(filter.isEmpty() ? Verdict.MATCHES : Verdict.CANNOT_JUDGE);
        if (change.oldKey().isPresent()) {
            String oldGroup = groupKey(change.oldKey().get(), groupColumns);
            if (!oldGroup.equals(group) && !oldGroup.equals(nullGroup(groupColumns))) {
                // the key changed: the old key's group sees the row leave (whenever the old row matched, or cannot be judged),
                // then the new key's group sees it arrive
                ObjectNode oldRecord = change.oldKey().get().deepCopy();
                List<String> unknown = change.oldRow().isPresent() ? List.of() : unknownColumns(oldRecord, primaryKey);
                unknown.forEach(oldRecord::remove);
                NewMessage delete = message(consumer, change, oldGroup, "delete", oldRecord, Optional.of(unknown), index);
                emit(delete, oldVerdict, true, out, failures);
                emit(message(consumer, change, group, "update", change.record(), Optional.empty(), index + 1), verdict, true, out, failures);
                return;
            }
        }
        if (consumer.filterTransitions() == FilterTransitions.DELETE_INSERT && verdict.known() && oldVerdict.known() && oldVerdict.matches() != verdict.matches()) {
            if (oldVerdict.matches()) {
                // the row left the filter: to the consumer it is gone
                out.add(message(consumer, change, group, "delete", change.oldKey().orElseThrow(), Optional.of(List.of()), index + 1));
            }
            else {
                // the row entered the filter: to the consumer it is new
                out.add(message(consumer, change, group, "insert", change.record(), Optional.empty(), index + 1));
            }
            return;
        }
        if (oldVerdict.judgement() == Judgement.FAILED && consumer.filterTransitions() == FilterTransitions.DELETE_INSERT) {
            failures.add(new FilterFailure(consumer.id(), message(consumer, change, group, "update", change.record(), Optional.empty(), index + 1),
                    "filter failed on the old row: " + oldVerdict.reason()));
            return;
        }
        emit(message(consumer, change, group, "update", change.record(), Optional.empty(), index + 1), verdict, true, out, failures);
    }

    private static void emit(NewMessage message, Verdict verdict, boolean deliverWhenUnjudged, List<NewMessage> out, List<FilterFailure> failures)
    {
        switch (verdict.judgement()) {
            case MATCHES -> out.add(message);
            case CANNOT_JUDGE -> {
                if (deliverWhenUnjudged) {
                    out.add(message);
                }
            }
            case FAILED -> failures.add(new FilterFailure(message.consumerId(), message, "filter failed: " + verdict.reason()));
            case DOES_NOT_MATCH -> {
                // filtered out
            }
        }
    }

    private Optional<Filter> filter(Consumer consumer)
    {
        return filters.computeIfAbsent(consumer.id() + "\u0000" + consumer.filter().orElse(""), key -> consumer.filter().map(Filter::parse));
    }

    // a row without a column the filter reads (an old key, an unchanged TOAST value Postgres did not send) cannot be judged
    private static Verdict judge(Optional<Filter> filter, Map<String, Object> row)
    {
        if (filter.isEmpty()) {
            return Verdict.MATCHES;
        }
        if (!row.keySet().containsAll(filter.get().columns())) {
            return Verdict.CANNOT_JUDGE;
        }
        try {
            return filter.get().matches(Row.of(row)) ? Verdict.MATCHES : Verdict.DOES_NOT_MATCH;
        }
        catch (FilterEvaluationException e) {
            return new Verdict(Judgement.FAILED, e.getMessage());
        }
    }

    // an old key carries NULL in every column outside the key: those are unknown, not NULL
    private static List<String> unknownColumns(ObjectNode oldKey, List<String> primaryKey)
    {
        List<String> others = new ArrayList<>();
        oldKey.fieldNames().forEachRemaining(name -> {
            if (!primaryKey.contains(name)) {
                others.add(name);
            }
        });
        for (String name : others) {
            if (!oldKey.get(name).isNull()) {
                // a non-NULL value outside the primary key: Postgres sent the full old row
                return List.of();
            }
        }
        return others;
    }

    private static String groupKey(ObjectNode row, List<String> columns)
    {
        ArrayNode key = JsonNodeFactory.instance.arrayNode();
        for (String column : columns) {
            JsonNode value = row.get(column);
            key.add(value == null ? JsonNodeFactory.instance.nullNode() : value);
        }
        return write(key);
    }

    private static String nullGroup(List<String> columns)
    {
        ArrayNode key = JsonNodeFactory.instance.arrayNode();
        columns.forEach(column -> key.addNull());
        return write(key);
    }

    // unchanged: the columns to list as unknown in the message; empty means those of the change (unchanged TOAST values)
    private NewMessage message(Consumer consumer, Change change, String group, String action, ObjectNode record, Optional<List<String>> unchanged, int index)
    {
        List<String> unchangedColumns = unchanged.orElse(change.unchangedColumns());
        return new NewMessage(consumer.id(), group, action, change.schema(), change.table(), written.computeIfAbsent(record, ChangeRouter::write),
                change.changes().filter(changes -> action.equals("update")).map(ChangeRouter::write),
                unchangedColumns.isEmpty() ? Optional.empty() : Optional.of(write(JSON.valueToTree(unchangedColumns))),
                change.commitLsn().asLong(), change.commitTime(), index);
    }

    private static String write(JsonNode node)
    {
        try {
            return JSON.writeValueAsString(node);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
