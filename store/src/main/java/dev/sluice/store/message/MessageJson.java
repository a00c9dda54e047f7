package dev.sluice.store.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.Lsn;
import dev.sluice.store.consumer.Consumer;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Writes messages as JSON with their records copied verbatim from the store, so every number keeps its
 * exact text and columns keep their table order (no round trip through Java numbers).
 */
public final class MessageJson
{
    private static final JsonFactory FACTORY = new JsonFactory();

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
        json.writeFieldName("metadata");
        json.writeStartObject();
        json.writeStringField("source_id", consumer.sourceId());
        json.writeStringField("consumer_id", consumer.id());
        json.writeStringField("table_schema", message.tableSchema());
        json.writeStringField("table_name", message.tableName());
        json.writeStringField("commit_lsn", Lsn.valueOf(message.commitLsn()).toString());
        json.writeStringField("commit_timestamp", message.commitTimestamp().toString());
        json.writeStringField("idempotency_key", idempotencyKey(message));
        json.writeNumberField("deliver_count", message.deliverCount());
        json.writeStringField("group", message.groupKey());
        if (message.unchangedColumnsJson().isPresent()) {
            json.writeFieldName("unchanged_columns");
            json.writeRawValue(message.unchangedColumnsJson().get());
        }
        json.writeEndObject();
        json.writeEndObject();
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
