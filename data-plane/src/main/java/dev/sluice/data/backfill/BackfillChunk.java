package dev.sluice.data.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Lsn;
import dev.sluice.core.filter.Filter;
import dev.sluice.core.id.SourceId;
import dev.sluice.data.extract.Change;
import dev.sluice.data.extract.ChangeRouter;
import dev.sluice.data.extract.RoutedChanges;
import dev.sluice.data.extract.pgoutput.PgOutputMessage;
import dev.sluice.data.extract.pgoutput.RelationCache;
import dev.sluice.data.extract.pgoutput.TupleConverter;
import dev.sluice.data.extract.pgoutput.TupleData;
import dev.sluice.data.extract.pgoutput.ValueConverter;
import dev.sluice.data.lease.HeldLease;
import dev.sluice.source.SourceAdmin;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.Store;
import dev.sluice.store.backfill.Backfill;
import dev.sluice.store.backfill.BackfillDao;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.stream.DeliveryCounters;
import dev.sluice.stream.MessageJson;
import dev.sluice.stream.NewMessage;
import dev.sluice.stream.StreamAppender;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One chunk of a backfill, merged with the WAL in the manner of DBLog's watermarks: the chunk is selected,
 * then a high watermark is written. From the moment the chunk starts until the stream reaches the high
 * watermark, every key of the table that a decoded transaction changed is noted; at the high watermark the
 * chunk's other rows become {@code read} messages. A row changed in between is left out: its change, in the
 * stream anyway, is at least as new as what the select saw. So no row is lost and none is emitted stale.
 *
 * <p>The window opens when the chunk starts rather than at a low watermark because Postgres writes a commit
 * into the WAL before the transaction becomes visible to other snapshots: a delete whose commit precedes a
 * low watermark can still be invisible to the chunk's select, which would then emit the deleted row after
 * the delete. The select therefore runs in a repeatable-read snapshot checked against the transactions the
 * stream has already decoded; a snapshot that does not see one of them is taken again, so every transaction
 * streamed before the chunk started is one the select saw.
 *
 * <p>The messages and the backfill's new cursor are written in one transaction fenced by the source's lease:
 * a worker that dies mid-backfill resumes from the last chunk stored.
 */
public final class BackfillChunk
{
    private static final Logger LOG = LoggerFactory.getLogger(BackfillChunk.class);
    private static final TupleConverter TUPLES = new TupleConverter(new ValueConverter());

    private final Backfill backfill;
    private final Consumer consumer;
    private final int tableIndex;
    private final TableSelection table;
    private final List<String> primaryKey;
    private final ChunkReader.Chunk chunk;
    private final int limit;
    private final Optional<Long> estimate;
    private final String watermark;
    private final Set<String> changedKeys = new HashSet<>();

    private BackfillChunk(Backfill backfill, Consumer consumer, int tableIndex, TableSelection table, List<String> primaryKey, ChunkReader.Chunk chunk,
            int limit, Optional<Long> estimate, String watermark)
    {
        this.backfill = backfill;
        this.consumer = consumer;
        this.tableIndex = tableIndex;
        this.table = table;
        this.primaryKey = primaryKey;
        this.chunk = chunk;
        this.limit = limit;
        this.estimate = estimate;
        this.watermark = watermark;
    }

    /** Reads the next chunk of the source's oldest runnable backfill and writes its high watermark, if there is one. */
    public static Optional<BackfillChunk> start(Store store, SourceAdmin admin, SourceId sourceId, HeldLease lease, int limit,
            StreamedTransactions streamed)
            throws SQLException
    {
        Optional<Backfill> next = store.onDemand(BackfillDao.class).nextForSourceAcrossAccounts(sourceId);
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Backfill backfill = next.get();
        Optional<Consumer> consumer = store.onDemand(DataPlaneDao.class).consumerAcrossAccounts(backfill.consumerId());
        if (consumer.isEmpty()) {
            return Optional.empty();
        }
        List<TableSelection> tables = backfill.tables().isEmpty() ? consumer.get().tables() : backfill.tables();
        int tableIndex = 0;
        Optional<String> key = Optional.empty();
        if (backfill.cursor().isPresent()) {
            JsonNode cursor = MessageJson.read(backfill.cursor().get());
            tableIndex = cursor.path("table").asInt();
            key = cursor.hasNonNull("key") ? Optional.of(cursor.get("key").toString()) : Optional.empty();
        }
        if (tableIndex >= tables.size()) {
            store.onDemand(BackfillDao.class).complete(backfill.id());
            return Optional.empty();
        }
        TableSelection table = tables.get(tableIndex);
        List<String> primaryKey = admin.primaryKey(table.schema(), table.table());
        if (primaryKey.isEmpty()) {
            store.onDemand(BackfillDao.class).fail(backfill.id(), "table " + table.qualifiedName() + " has no primary key to read it in order by");
            return Optional.empty();
        }
        List<Filter> filters = new ArrayList<>();
        consumer.get().filter().map(Filter::parse).ifPresent(filters::add);
        backfill.filter().map(Filter::parse).ifPresent(filters::add);
        Optional<Long> estimate = backfill.rowsEstimated().isPresent() ? Optional.empty()
                : Optional.of(ChunkReader.estimate(admin.connection(), table.schema(), table.table()));
        String watermark = backfill.id() + ":" + UUID.randomUUID();
        try {
            admin.prepareWatermarks();
            Optional<String> after = key;
            Optional<ChunkReader.Chunk> chunk = admin.inAcceptableSnapshot(streamed::allVisible,
                    connection -> ChunkReader.read(connection, table.schema(), table.table(), primaryKey, after, backfill.start(), filters, limit));
            if (chunk.isEmpty()) {
                LOG.debug("backfill {}: transactions already streamed were not yet visible; the chunk is read again later", backfill.id());
                return Optional.empty();
            }
            admin.emitWatermark(watermark + ":high");
            return Optional.of(new BackfillChunk(backfill, consumer.get(), tableIndex, table, primaryKey, chunk.get(), limit, estimate, watermark));
        }
        catch (SQLException | RuntimeException e) {
            LOG.warn("backfill {} failed: {}", backfill.id(), e.getMessage());
            store.onDemand(BackfillDao.class).fail(backfill.id(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Notes every key of the table that the stream changes from the chunk's start until its high watermark. */
    public void observe(PgOutputMessage message, RelationCache relations)
    {
        if (message instanceof PgOutputMessage.Insert insert) {
            note(relations.require(insert.relationId()), insert.newTuple());
        }
        else if (message instanceof PgOutputMessage.Update update) {
            note(relations.require(update.relationId()), update.newTuple());
            update.oldTuple().ifPresent(old -> note(relations.require(update.relationId()), old));
        }
        else if (message instanceof PgOutputMessage.Delete delete) {
            note(relations.require(delete.relationId()), delete.oldTuple());
        }
    }

    public boolean isHighWatermark(PgOutputMessage message, RelationCache relations)
    {
        return isWatermark(message, relations, watermark + ":high");
    }

    /** A watermark is a logical message (Postgres 14+) or a row inserted into the watermark table (older servers). */
    private static boolean isWatermark(PgOutputMessage message, RelationCache relations, String content)
    {
        if (message instanceof PgOutputMessage.LogicalMessage logical) {
            return logical.prefix().equals(SourceAdmin.WATERMARK_PREFIX) && logical.contentText().equals(content);
        }
        if (message instanceof PgOutputMessage.Insert insert) {
            PgOutputMessage.Relation relation = relations.require(insert.relationId());
            if (relation.schema().equals("public") && relation.table().equals(SourceAdmin.WATERMARK_TABLE)) {
                return content.equals(TUPLES.toJson(relation, insert.newTuple()).values().path("watermark").asText());
            }
        }
        return false;
    }

    /** The rows of this chunk's table whose primary key the router needs. */
    public TableSelection table()
    {
        return table;
    }

    public int rowsRead()
    {
        return chunk.rows().size();
    }

    /**
     * Stores the chunk's unchanged rows as {@code read} messages and the backfill's progress, inside the caller's
     * transaction (the source's writer, fenced by its lease). Returns what it stored: nothing when the backfill was
     * paused or cancelled while the chunk was read.
     */
    public List<NewMessage> finish(Handle handle, Lsn highWatermark, ChangeRouter router, DeliveryCounters counters)
    {
        List<Change> reads = new ArrayList<>();
        int index = 0;
        for (ChunkReader.Row row : chunk.rows()) {
            if (!changedKeys.contains(row.key().toString())) {
                reads.add(new Change(highWatermark, Instant.now(), index++, table.schema(), table.table(), "read", row.record(), Optional.empty(),
                        List.of(), row.values(), Optional.empty()));
            }
        }
        boolean tableDone = chunk.rows().size() < limit;
        ObjectNode cursor = JsonNodeFactory.instance.objectNode();
        if (tableDone) {
            cursor.put("table", tableIndex + 1);
        }
        else {
            cursor.put("table", tableIndex);
            cursor.set("key", MessageJson.read(chunk.cursor().orElseThrow()));
        }
        BackfillDao backfills = handle.attach(BackfillDao.class);
        if (backfills.progress(backfill.id(), cursor.toString(), chunk.rows().size(), estimate.orElse(null)) == 0) {
            // paused or cancelled while the chunk was read: nothing of it is stored
            return List.of();
        }
        RoutedChanges routing = router.routeAll(reads, List.of(consumer));
        List<NewMessage> messages = routing.messages();
        // a row the consumer's filter could not judge goes to its dead letters, as a streamed change would
        StreamAppender.append(handle, consumer.sourceId(), messages,
                routing.failures().stream().map(failure -> new StreamAppender.Rejected(failure.message(), failure.reason())).toList(), counters);
        LOG.debug("backfill {} stored {} of {} rows of {}", backfill.id(), reads.size(), chunk.rows().size(), table.qualifiedName());
        return messages;
    }

    private void note(PgOutputMessage.Relation relation, TupleData tuple)
    {
        if (!relation.schema().equals(table.schema()) || !relation.table().equals(table.table())) {
            return;
        }
        ObjectNode values = TUPLES.toJson(relation, tuple).values();
        ArrayNode key = JsonNodeFactory.instance.arrayNode();
        primaryKey.forEach(column -> key.add(values.has(column) ? values.get(column) : JsonNodeFactory.instance.nullNode()));
        changedKeys.add(key.toString());
    }
}
