package dev.sluice.data.extract;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Lsn;
import dev.sluice.data.extract.pgoutput.JsonRow;
import dev.sluice.data.extract.pgoutput.OldTupleKind;
import dev.sluice.data.extract.pgoutput.PgOutputMessage;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Begin;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Commit;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Delete;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Insert;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Relation;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Truncate;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Update;
import dev.sluice.data.extract.pgoutput.RelationCache;
import dev.sluice.data.extract.pgoutput.TupleConverter;
import dev.sluice.data.extract.pgoutput.TupleData;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Turns a source's decoded messages into the changes of one transaction at a time, each typed and numbered by
 * its position in the transaction. What the store already holds is skipped here: a transaction committed
 * before the checkpoint, and the first changes of one stored in parts before a restart (up to the part's
 * next index). Not thread-safe: the stream thread assembles.
 */
final class TransactionAssembler
{
    private final TupleConverter tuples;
    private final Lsn checkpoint;
    private final Lsn partialLsn;
    private final int partialIndex;
    private final List<Change> changes = new ArrayList<>();
    private Begin begin;
    private boolean skipping;
    private int skipBelow;
    private int index;

    /** A committed transaction: its changes not stored before, and the end LSN its checkpoint moves to. */
    record Committed(List<Change> changes, Lsn end, boolean storedBefore) {}

    /**
     * @param checkpoint transactions committing before it are stored already
     * @param partialLsn the commit LSN of a transaction stored in part before ({@link Lsn#INVALID} when none)
     * @param partialIndex the index of that transaction's first change not stored yet
     */
    TransactionAssembler(TupleConverter tuples, Lsn checkpoint, Lsn partialLsn, int partialIndex)
    {
        this.tuples = requireNonNull(tuples, "tuples is null");
        this.checkpoint = requireNonNull(checkpoint, "checkpoint is null");
        this.partialLsn = requireNonNull(partialLsn, "partialLsn is null");
        this.partialIndex = partialIndex;
    }

    boolean inTransaction()
    {
        return begin != null;
    }

    /** The open transaction's Begin. */
    Begin begin()
    {
        return requireNonNull(begin, "no transaction is open");
    }

    /** Changes assembled and not handed over yet. */
    int size()
    {
        return changes.size();
    }

    /** The index the open transaction's next change will have. */
    int nextIndex()
    {
        return index;
    }

    /** Hands over what the open transaction assembled so far (a part of a transaction larger than a batch). */
    List<Change> takePart()
    {
        List<Change> part = List.copyOf(changes);
        changes.clear();
        return part;
    }

    /** Takes one message; returns the transaction once the message is its commit. */
    Optional<Committed> accept(PgOutputMessage message, RelationCache relations)
    {
        if (message instanceof Begin started) {
            begin = started;
            index = 0;
            changes.clear();
            // already stored before a restart: its commit lies before the checkpoint
            skipping = started.finalLsn().compareTo(checkpoint) < 0;
            // stored in part before a restart: its first changes are in the store already
            skipBelow = started.finalLsn().equals(partialLsn) ? partialIndex : 0;
        }
        else if (message instanceof Insert insert) {
            add(() -> insert(relations.require(insert.relationId()), insert));
        }
        else if (message instanceof Update update) {
            add(() -> update(relations.require(update.relationId()), update));
        }
        else if (message instanceof Delete delete) {
            add(() -> delete(relations.require(delete.relationId()), delete));
        }
        else if (message instanceof Truncate truncate) {
            for (int relationId : truncate.relationIds()) {
                add(() -> {
                    Relation relation = relations.require(relationId);
                    return new Change(begin().finalLsn(), begin.commitTime(), index, relation.schema(), relation.table(), "truncate",
                            JsonNodeFactory.instance.objectNode(), Optional.empty(), List.of(), Map.of(), Optional.empty());
                });
            }
        }
        else if (message instanceof Commit commit) {
            Committed committed = new Committed(List.copyOf(changes), commit.endLsn(), skipping);
            changes.clear();
            begin = null;
            skipping = false;
            skipBelow = 0;
            return Optional.of(committed);
        }
        return Optional.empty();
    }

    private interface ChangeMaker
    {
        Change make();
    }

    private void add(ChangeMaker change)
    {
        requireNonNull(begin, "a change outside a transaction");
        if (!skipping && index >= skipBelow) {
            changes.add(change.make());
        }
        index++;
    }

    private Change insert(Relation relation, Insert insert)
    {
        JsonRow row = tuples.toJson(relation, insert.newTuple());
        return new Change(begin.finalLsn(), begin.commitTime(), index, relation.schema(), relation.table(), "insert", row.values(), Optional.empty(),
                row.unchangedToastColumns(), new LazyRow(() -> tuples.toJava(relation, insert.newTuple())), Optional.empty());
    }

    private Change update(Relation relation, Update update)
    {
        JsonRow row = tuples.newRowToJson(relation, update);
        Optional<TupleData> fullOld = update.oldTupleKind().filter(OldTupleKind.FULL_ROW::equals).flatMap(kind -> update.oldTuple());
        Map<String, Object> filterRow = new LazyRow(() -> {
            Map<String, Object> values = new HashMap<>(tuples.toJava(relation, update.newTuple()));
            fullOld.ifPresent(old -> tuples.toJava(relation, old).forEach(values::putIfAbsent));
            return values;
        });
        Optional<ObjectNode> oldKey = update.oldTuple().map(old -> tuples.toJson(relation, old).values());
        // the old row, when the table has REPLICA IDENTITY FULL: filters judge it too (a row leaving or entering a filter)
        Optional<Map<String, Object>> oldRow = fullOld.map(old -> tuples.toJava(relation, old));
        return new Change(begin.finalLsn(), begin.commitTime(), index, relation.schema(), relation.table(), "update", row.values(),
                tuples.changes(relation, update), row.unchangedToastColumns(), filterRow, oldKey, oldRow);
    }

    private Change delete(Relation relation, Delete delete)
    {
        JsonRow row = tuples.toJson(relation, delete.oldTuple());
        boolean keyOnly = delete.oldTupleKind() == OldTupleKind.KEY;
        Map<String, Object> filterRow = new LazyRow(() -> {
            Map<String, Object> values = new HashMap<>(tuples.toJava(relation, delete.oldTuple()));
            if (keyOnly) {
                relation.columns().stream().filter(column -> !column.partOfKey()).forEach(column -> values.remove(column.name()));
            }
            return values;
        });
        if (keyOnly) {
            // an old key carries NULL in every other column: those are unknown, not NULL
            relation.columns().stream().filter(column -> !column.partOfKey()).forEach(column -> row.values().remove(column.name()));
        }
        return new Change(begin.finalLsn(), begin.commitTime(), index, relation.schema(), relation.table(), "delete", row.values(), Optional.empty(),
                List.of(), filterRow, Optional.empty());
    }
}
