package dev.sluice.data.extract.pgoutput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Relation;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Update;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Turns the {@link TupleData} of a change into named, typed values, using the {@link Relation}
 * that describes it (the latest one with its id, see {@link RelationCache}).
 * <p>
 * Unchanged TOAST values ({@link ColumnValue.UnchangedToast}) carry no content: they are taken
 * from the old row when the update sent the full old row (REPLICA IDENTITY FULL), and otherwise
 * left out and reported, so that the caller can mark them. Thread-safe.
 */
public final class TupleConverter
{
    private final ValueConverter valueConverter;

    public TupleConverter(ValueConverter valueConverter)
    {
        this.valueConverter = requireNonNull(valueConverter, "valueConverter is null");
    }

    /** The row as JSON; unchanged TOAST columns are left out and listed. */
    public JsonRow toJson(Relation relation, TupleData tuple)
    {
        return toJson(relation, tuple, Optional.empty());
    }

    /** The new row of an update, with unchanged TOAST values filled from the full old row if there is one. */
    public JsonRow newRowToJson(Relation relation, Update update)
    {
        requireNonNull(update, "update is null");
        checkRelation(relation, update.relationId());
        Optional<TupleData> fullOldRow = update.oldTupleKind().filter(OldTupleKind.FULL_ROW::equals).flatMap(kind -> update.oldTuple());
        return toJson(relation, update.newTuple(), fullOldRow);
    }

    /**
     * The old values of the columns an update changed, as far as the old tuple tells: every column
     * for a full old row, the key columns for an old key (sent when the key changed). Empty when
     * the update carried no old tuple. Unchanged TOAST columns never count as changed.
     */
    public Optional<ObjectNode> changes(Relation relation, Update update)
    {
        requireNonNull(update, "update is null");
        checkRelation(relation, update.relationId());
        if (update.oldTuple().isEmpty()) {
            return Optional.empty();
        }
        boolean keyOnly = update.oldTupleKind().orElseThrow() == OldTupleKind.KEY;
        TupleData oldTuple = update.oldTuple().get();
        TupleData newTuple = update.newTuple();
        checkSize(relation, oldTuple);
        checkSize(relation, newTuple);
        ObjectNode changes = JsonNodeFactory.instance.objectNode();
        for (int index = 0; index < relation.columns().size(); index++) {
            RelationColumn column = relation.columns().get(index);
            ColumnValue oldValue = oldTuple.column(index);
            ColumnValue newValue = newTuple.column(index);
            boolean comparable = !(keyOnly && !column.partOfKey())
                    && !(oldValue instanceof ColumnValue.UnchangedToast)
                    && !(newValue instanceof ColumnValue.UnchangedToast);
            if (comparable && !oldValue.equals(newValue)) {
                changes.set(column.name(), toJson(column, oldValue));
            }
        }
        return Optional.of(changes);
    }

    /**
     * The row as Java values for the filter evaluator (see {@link ValueConverter#toJava}), in
     * table order. SQL NULL maps to a null value; unchanged TOAST columns are absent.
     */
    public Map<String, Object> toJava(Relation relation, TupleData tuple)
    {
        requireNonNull(relation, "relation is null");
        requireNonNull(tuple, "tuple is null");
        checkSize(relation, tuple);
        Map<String, Object> row = new LinkedHashMap<>();
        for (int index = 0; index < relation.columns().size(); index++) {
            RelationColumn column = relation.columns().get(index);
            ColumnValue value = tuple.column(index);
            if (!(value instanceof ColumnValue.UnchangedToast)) {
                row.put(column.name(), valueConverter.toJava(column.typeOid(), text(column, value)));
            }
        }
        return Collections.unmodifiableMap(row);
    }

    private JsonRow toJson(Relation relation, TupleData tuple, Optional<TupleData> fullOldRow)
    {
        requireNonNull(relation, "relation is null");
        requireNonNull(tuple, "tuple is null");
        checkSize(relation, tuple);
        fullOldRow.ifPresent(oldRow -> checkSize(relation, oldRow));
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        List<String> unchangedToastColumns = new ArrayList<>();
        for (int index = 0; index < relation.columns().size(); index++) {
            RelationColumn column = relation.columns().get(index);
            ColumnValue value = tuple.column(index);
            if (value instanceof ColumnValue.UnchangedToast && fullOldRow.isPresent()) {
                value = fullOldRow.get().column(index);
            }
            if (value instanceof ColumnValue.UnchangedToast) {
                unchangedToastColumns.add(column.name());
            }
            else {
                values.set(column.name(), toJson(column, value));
            }
        }
        return new JsonRow(values, unchangedToastColumns);
    }

    private JsonNode toJson(RelationColumn column, ColumnValue value)
    {
        return valueConverter.toJson(column.typeOid(), text(column, value));
    }

    private static String text(RelationColumn column, ColumnValue value)
    {
        if (value instanceof ColumnValue.Text text) {
            return text.value();
        }
        if (value instanceof ColumnValue.Null) {
            return null;
        }
        if (value instanceof ColumnValue.Binary) {
            throw new PgOutputException("column " + column.name() + " arrived in binary format; Sluice reads text format only (leave the binary option off)");
        }
        throw new PgOutputException("column " + column.name() + " is an unchanged TOAST value, which has no content");
    }

    private static void checkRelation(Relation relation, int relationId)
    {
        requireNonNull(relation, "relation is null");
        if (relation.relationId() != relationId) {
            throw new IllegalArgumentException("change for relation " + Integer.toUnsignedString(relationId)
                    + " converted with relation " + Integer.toUnsignedString(relation.relationId()));
        }
    }

    private static void checkSize(Relation relation, TupleData tuple)
    {
        if (tuple.size() != relation.columns().size()) {
            throw new PgOutputException("tuple has " + tuple.size() + " columns but relation " + relation.schema() + "." + relation.table()
                    + " has " + relation.columns().size() + "; the relation is stale");
        }
    }
}
