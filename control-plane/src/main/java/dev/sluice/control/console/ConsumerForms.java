package dev.sluice.control.console;

import dev.sluice.control.consumer.ConsumerInput;
import dev.sluice.core.error.SluiceException;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The consumer form's fields and how they become a {@link ConsumerInput}: tables as comma-separated
 * {@code schema.table} names, actions as checkboxes, the start position as a choice with its row.
 */
final class ConsumerForms
{
    static final List<String> ACTIONS = List.of("insert", "update", "delete", "truncate");

    private ConsumerForms() {}

    static ConsumerInput create(MultivaluedMap<String, String> form)
    {
        String kind = Pages.field(form, "kind").orElse("pull");
        StartPosition start = switch (Pages.field(form, "start").orElse("now")) {
            case "beginning" -> new StartPosition(StartPosition.At.BEGINNING, null, null);
            case "row" -> new StartPosition(StartPosition.At.ROW, Pages.field(form, "sortColumn").orElse(null), Pages.field(form, "startValue").orElse(null));
            default -> StartPosition.now();
        };
        return new ConsumerInput(
                Optional.of(Pages.field(form, "name").orElseThrow(() -> SluiceException.invalid("name", "is required"))),
                Optional.of(Pages.field(form, "source").orElseThrow(() -> SluiceException.invalid("source", "choose a source"))),
                Optional.of(kind),
                Optional.of(tables(form)),
                Optional.of(actions(form)),
                Pages.field(form, "filter"),
                Pages.field(form, "transform"),
                kind.equals("push") ? Pages.field(form, "endpoint") : Optional.empty(),
                kind.equals("push") ? Pages.field(form, "path") : Optional.empty(),
                Pages.integer(form, "batchSize"),
                Pages.integer(form, "visibilityTimeoutSeconds"),
                Pages.integer(form, "maxAckPending"),
                Pages.integer(form, "maxDeliver"),
                Optional.of(start),
                Optional.empty(),
                filterTransitions(form));
    }

    /** An edit: every field is sent; an empty filter or transform removes it, as in the API. */
    static ConsumerInput update(MultivaluedMap<String, String> form, Consumer current)
    {
        return new ConsumerInput(
                Pages.field(form, "name"),
                Optional.empty(),
                Optional.empty(),
                Optional.of(tables(form)),
                Optional.of(actions(form)),
                Optional.of(Pages.field(form, "filter").orElse("")),
                Optional.of(Pages.field(form, "transform").orElse("")),
                current.kind() == Consumer.Kind.PUSH ? Pages.field(form, "endpoint") : Optional.empty(),
                current.kind() == Consumer.Kind.PUSH ? Optional.of(Pages.field(form, "path").orElse("")) : Optional.empty(),
                Pages.integer(form, "batchSize"),
                Pages.integer(form, "visibilityTimeoutSeconds"),
                Pages.integer(form, "maxAckPending"),
                Pages.integer(form, "maxDeliver"),
                Optional.empty(),
                Optional.empty(),
                filterTransitions(form));
    }

    private static Optional<Consumer.FilterTransitions> filterTransitions(MultivaluedMap<String, String> form)
    {
        return Pages.field(form, "filterTransitions").map(value -> switch (value) {
            case "none" -> Consumer.FilterTransitions.NONE;
            case "delete_insert" -> Consumer.FilterTransitions.DELETE_INSERT;
            default -> throw SluiceException.invalid("filter_transitions", "must be none or delete_insert");
        });
    }

    static ConsumerInput activeOnly(boolean active)
    {
        return new ConsumerInput(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(active));
    }

    /** The form's values for an existing consumer. */
    static Map<String, Object> values(Consumer consumer)
    {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", consumer.name());
        values.put("source", consumer.sourceId());
        values.put("kind", consumer.kind().name().toLowerCase(Locale.ROOT));
        values.put("tables", String.join(", ", consumer.tables().stream().map(table -> table.schema() + "." + table.table()).toList()));
        values.put("actions", consumer.actions());
        values.put("filter", consumer.filter().orElse(""));
        values.put("filterTransitions", consumer.filterTransitions().apiName());
        values.put("transform", consumer.transform().orElse(""));
        values.put("endpoint", consumer.endpointId().orElse(""));
        values.put("path", consumer.path().orElse(""));
        values.put("batchSize", Integer.toString(consumer.batchSize()));
        values.put("visibilityTimeoutSeconds", Integer.toString(consumer.visibilityTimeoutSeconds()));
        values.put("maxAckPending", Integer.toString(consumer.maxAckPending()));
        values.put("maxDeliver", Integer.toString(consumer.maxDeliver()));
        return values;
    }

    private static List<TableSelection> tables(MultivaluedMap<String, String> form)
    {
        List<TableSelection> tables = new ArrayList<>();
        for (String name : Pages.field(form, "tables").orElse("").split(",")) {
            String table = name.strip();
            if (table.isEmpty()) {
                continue;
            }
            int dot = table.indexOf('.');
            tables.add(dot < 0 ? new TableSelection("public", table, null) : new TableSelection(table.substring(0, dot), table.substring(dot + 1), null));
        }
        if (tables.isEmpty()) {
            throw SluiceException.invalid("tables", "name at least one table, as schema.table or table");
        }
        return tables;
    }

    private static List<String> actions(MultivaluedMap<String, String> form)
    {
        List<String> chosen = Optional.ofNullable(form.get("actions")).orElse(List.of()).stream().filter(ACTIONS::contains).distinct().toList();
        if (chosen.isEmpty()) {
            throw SluiceException.invalid("actions", "choose at least one action");
        }
        return chosen;
    }
}
