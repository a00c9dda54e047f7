package dev.sluice.data.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.filter.Filter;
import dev.sluice.core.filter.FilterEvaluationException;
import dev.sluice.core.filter.Row;
import dev.sluice.data.extract.pgoutput.ValueConverter;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.stream.NewMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * Turns changes into the messages of every consumer that wants them: the consumer reads the table and
 * the action, was created before the change committed, and its filter holds for the row.
 */
public final class ChangeRouter
{
    private static final Logger LOG = LoggerFactory.getLogger(ChangeRouter.class);
    private static final ObjectMapper JSON = ValueConverter.newObjectMapper();
    public static final String TRUNCATE_GROUP = "[\"truncate\"]";

    private final Map<String, Optional<Filter>> filters = new ConcurrentHashMap<>();
    private final BiFunction<String, String, List<String>> primaryKeys;

    /**
     * @param primaryKeys (schema, table) → primary-key columns, for consumers grouping by the primary key
     */
    public ChangeRouter(BiFunction<String, String, List<String>> primaryKeys)
    {
        this.primaryKeys = requireNonNull(primaryKeys, "primaryKeys is null");
    }

    public List<NewMessage> route(List<Change> changes, List<Consumer> consumers)
    {
        List<NewMessage> messages = new ArrayList<>();
        for (Change change : changes) {
            for (Consumer consumer : consumers) {
                route(change, consumer, messages);
            }
        }
        return messages;
    }

    private void route(Change change, Consumer consumer, List<NewMessage> out)
    {
        // a consumer receives what committed after its creation; earlier changes are for backfills
        boolean read = change.action().equals("read");
        if (change.commitLsn().asLong() <= consumer.startLsn() || (!read && !consumer.actions().contains(change.action()))) {
            return;
        }
        Optional<TableSelection> table = consumer.tables().stream()
                .filter(selection -> selection.schema().equals(change.schema()) && selection.table().equals(change.table()))
                .findFirst();
        if (table.isEmpty() || !passes(consumer, change)) {
            return;
        }
        int index = change.index() * 2;
        if (change.action().equals("truncate")) {
            out.add(message(consumer, change, TRUNCATE_GROUP, "truncate", change.record(), index));
            return;
        }
        List<String> groupColumns = table.get().groupColumns().isEmpty() ? primaryKeys.apply(change.schema(), change.table()) : table.get().groupColumns();
        String group = groupKey(change.record(), groupColumns);
        if (change.action().equals("update") && change.oldKey().isPresent()) {
            String oldGroup = groupKey(change.oldKey().get(), groupColumns);
            if (!oldGroup.equals(group) && !oldGroup.equals(nullGroup(groupColumns))) {
                // the key changed: the old key's group sees the row leave, then the new key's group sees it arrive
                out.add(message(consumer, change, oldGroup, "delete", change.oldKey().get(), index));
            }
        }
        out.add(message(consumer, change, group, change.action(), change.record(), index + 1));
    }

    private boolean passes(Consumer consumer, Change change)
    {
        Optional<Filter> filter = filters.computeIfAbsent(consumer.id() + "\u0000" + consumer.filter().orElse(""),
                key -> consumer.filter().map(Filter::parse));
        if (filter.isEmpty() || change.action().equals("truncate")) {
            return true;
        }
        Map<String, Object> row = change.filterRow();
        if (change.action().equals("delete") && !row.keySet().containsAll(filter.get().columns())) {
            // a delete carries only the key unless REPLICA IDENTITY FULL: when the filter cannot be judged, deliver
            return true;
        }
        try {
            return filter.get().matches(Row.of(row));
        }
        catch (FilterEvaluationException e) {
            LOG.warn("filter of consumer {} failed on a change of {}.{}: {}; the change is skipped for it", consumer.id(), change.schema(), change.table(), e.getMessage());
            return false;
        }
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

    private static NewMessage message(Consumer consumer, Change change, String group, String action, ObjectNode record, int index)
    {
        return new NewMessage(consumer.id(), group, action, change.schema(), change.table(), write(record),
                change.changes().filter(changes -> action.equals("update")).map(ChangeRouter::write),
                change.unchangedColumns().isEmpty() ? Optional.empty() : Optional.of(write(JSON.valueToTree(change.unchangedColumns()))),
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
