package dev.sluice.control.console;

import dev.sluice.api.model.ConsumerCreate;
import dev.sluice.api.model.ConsumerUpdate;
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

    /** A new consumer from its form; every field the API would refuse is refused here, all at once. */
    static ConsumerInput create(MultivaluedMap<String, String> form)
    {
        FormFields fields = new FormFields(form, ConsumerCreate.class);
        String kind = Pages.field(form, "kind").orElse("pull");
        if (!kind.equals("pull") && !kind.equals("push")) {
            fields.fail("kind", "must be pull or push");
        }
        StartPosition start = switch (Pages.field(form, "start").orElse("now")) {
            case "beginning" -> new StartPosition(StartPosition.At.BEGINNING, null, null);
            case "row" -> new StartPosition(StartPosition.At.ROW, Pages.field(form, "sortColumn").orElse(null), Pages.field(form, "startValue").orElse(null));
            default -> StartPosition.now();
        };
        Optional<String> name = fields.required("name");
        Optional<String> source = Pages.field(form, "source");
        if (source.isEmpty()) {
            fields.fail("source", "choose a source");
        }
        Optional<List<TableSelection>> tables = fields.read("tables", () -> tables(form));
        Optional<List<String>> actions = fields.read("actions", () -> actions(form));
        Optional<String> filter = fields.text("filter");
        Optional<String> transform = fields.text("transform");
        Optional<String> endpoint = kind.equals("push") ? Pages.field(form, "endpoint") : Optional.empty();
        if (kind.equals("push") && endpoint.isEmpty()) {
            fields.fail("endpoint", "choose the endpoint a push consumer delivers to");
        }
        Optional<String> path = kind.equals("push") ? fields.text("path") : Optional.empty();
        Optional<Integer> batchSize = fields.integer("batchSize");
        Optional<Integer> visibilityTimeout = fields.integer("visibilityTimeoutSeconds");
        Optional<Integer> maxAckPending = fields.integer("maxAckPending");
        Optional<Integer> maxDeliver = fields.integer("maxDeliver");
        fields.throwIfInvalid();
        return new ConsumerInput(name, source, Optional.of(kind), tables, actions, filter, transform, endpoint, path,
                batchSize, visibilityTimeout, maxAckPending, maxDeliver, Optional.of(start), Optional.empty(), filterTransitions(form));
    }

    /** An edit: every field is sent; an empty filter or transform removes it, as in the API. */
    static ConsumerInput update(MultivaluedMap<String, String> form, Consumer current)
    {
        FormFields fields = new FormFields(form, ConsumerUpdate.class);
        Optional<String> name = fields.text("name");
        Optional<List<TableSelection>> tables = fields.read("tables", () -> tables(form));
        Optional<List<String>> actions = fields.read("actions", () -> actions(form));
        Optional<String> filter = fields.text("filter");
        Optional<String> transform = fields.text("transform");
        boolean push = current.kind() == Consumer.Kind.PUSH;
        Optional<String> endpoint = push ? Pages.field(form, "endpoint") : Optional.empty();
        Optional<String> path = push ? fields.text("path") : Optional.empty();
        Optional<Integer> batchSize = fields.integer("batchSize");
        Optional<Integer> visibilityTimeout = fields.integer("visibilityTimeoutSeconds");
        Optional<Integer> maxAckPending = fields.integer("maxAckPending");
        Optional<Integer> maxDeliver = fields.integer("maxDeliver");
        fields.throwIfInvalid();
        return new ConsumerInput(name, Optional.empty(), Optional.empty(), tables, actions, Optional.of(filter.orElse("")), Optional.of(transform.orElse("")),
                endpoint, push ? Optional.of(path.orElse("")) : Optional.empty(), batchSize, visibilityTimeout, maxAckPending, maxDeliver,
                Optional.empty(), Optional.empty(), filterTransitions(form));
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
        values.put("source", consumer.sourceId().value());
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
        for (String name : Pages.field(form, "tables").orElse("").split(",", -1)) {
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
