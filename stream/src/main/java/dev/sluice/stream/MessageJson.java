package dev.sluice.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Lsn;
import dev.sluice.core.json.SluiceJson;
import dev.sluice.store.consumer.Consumer;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Writes messages as JSON with their records copied verbatim from the store, so every number keeps its
 * exact text and columns keep their table order (no round trip through Java numbers).
 */
public final class MessageJson
{
    private static final ObjectMapper READER = SluiceJson.mapper();
    private static final JsonFactory FACTORY = READER.getFactory();

    private MessageJson() {}

    /** Writes a document's content. */
    public interface Body
    {
        void write(JsonGenerator json)
                throws IOException;
    }

    public static String document(Body body)
    {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            body.write(json);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static void message(JsonGenerator json, Consumer consumer, StoredMessage message, String ackId)
            throws IOException
    {
        message(json, consumer, message, ackId, Optional.empty());
    }

    /** Writes a message; {@code transformed} is the consumer's transform's output, when it has one. */
    public static void message(JsonGenerator json, Consumer consumer, StoredMessage message, String ackId, Optional<JsonNode> transformed)
            throws IOException
    {
        json.writeStartObject();
        if (ackId != null) {
            json.writeStringField("ack_id", ackId);
        }
        json.writeStringField("id", Long.toString(message.seq()));
        json.writeStringField("action", message.action());
        json.writeFieldName("record");
        json.writeRawValue(message.recordJson());
        if (message.changesJson().isPresent()) {
            json.writeFieldName("changes");
            json.writeRawValue(message.changesJson().get());
        }
        if (transformed.isPresent()) {
            json.writeFieldName("transformed");
            json.writeTree(transformed.get());
        }
        json.writeFieldName("metadata");
        json.writeTree(metadata(consumer, message));
        json.writeEndObject();
    }

    /** The message's metadata, as delivered and as a transform sees it. */
    public static ObjectNode metadata(Consumer consumer, StoredMessage message)
    {
        ObjectNode metadata = JsonNodeFactory.instance.objectNode()
                .put("source_id", consumer.sourceId().value())
                .put("consumer_id", consumer.id().value())
                .put("table_schema", message.tableSchema())
                .put("table_name", message.tableName())
                .put("commit_lsn", Lsn.valueOf(message.commitLsn()).toString())
                .put("commit_timestamp", message.commitTimestamp().toString())
                .put("idempotency_key", idempotencyKey(message))
                .put("deliver_count", message.deliverCount())
                .put("group", message.groupKey());
        message.unchangedColumnsJson().ifPresent(columns -> metadata.set("unchanged_columns", read(columns)));
        return metadata;
    }

    /** Parses stored JSON exactly (decimals as BigDecimal). */
    public static JsonNode read(String storedJson)
    {
        try {
            return READER.readTree(storedJson);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same for every delivery of the message: its change's commit LSN and position in the transaction. */
    public static String idempotencyKey(StoredMessage message)
    {
        return Lsn.valueOf(message.commitLsn()) + "#" + message.changeIndex();
    }

    public static String time(Instant instant)
    {
        return instant.toString();
    }
}
