package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Debezium's embedded engine on the same source, with its own slot and publication (pgoutput), and a handler
 * that does what Sluice's webhook path does: POST batches of up to {@code batchSize} records to the same
 * target, 16 requests at once, keys spread over lanes so that each key's changes stay in order.
 */
final class DebeziumRunner
        implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LANES = 16;

    private final SourceDb source;
    private final Path offsetsDirectory;
    private int starts;
    private final String target;
    private final int batchSize;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ExecutorService lanes = Executors.newFixedThreadPool(LANES);
    private final AtomicLong delivered = new AtomicLong();
    private DebeziumEngine<ChangeEvent<String, String>> engine;
    private ExecutorService runner;

    DebeziumRunner(SourceDb source, Path offsetsDirectory, String target, int batchSize)
    {
        this.source = source;
        this.offsetsDirectory = offsetsDirectory;
        this.target = target;
        this.batchSize = batchSize;
    }

    long delivered()
    {
        return delivered.get();
    }

    void resetDelivered()
    {
        delivered.set(0);
    }

    /**
     * Starts the engine with no offsets of its own: it streams from where its slot stands, which the harness
     * advances to the start of each workload (Debezium refuses offsets older than its slot).
     */
    void start()
    {
        Path offsets = offsetsDirectory.resolve("offsets-" + (++starts) + ".dat");
        Properties properties = new Properties();
        properties.setProperty("name", "bench-debezium");
        properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        properties.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        properties.setProperty("offset.storage.file.filename", offsets.toString());
        properties.setProperty("offset.flush.interval.ms", "1000");
        properties.setProperty("database.hostname", "127.0.0.1");
        properties.setProperty("database.port", Integer.toString(source.port()));
        properties.setProperty("database.user", SourceDb.USER);
        properties.setProperty("database.password", SourceDb.PASSWORD);
        properties.setProperty("database.dbname", SourceDb.DATABASE);
        properties.setProperty("topic.prefix", "bench");
        properties.setProperty("plugin.name", "pgoutput");
        properties.setProperty("slot.name", "debezium_bench");
        properties.setProperty("publication.name", "debezium_bench");
        properties.setProperty("publication.autocreate.mode", "filtered");
        properties.setProperty("table.include.list", "public." + SourceDb.TABLE);
        properties.setProperty("snapshot.mode", "no_data");
        properties.setProperty("poll.interval.ms", "10");
        properties.setProperty("max.batch.size", "2048");
        properties.setProperty("max.queue.size", "16384");
        properties.setProperty("converter.schemas.enable", "false");
        properties.setProperty("decimal.handling.mode", "string");
        engine = DebeziumEngine.create(Json.class).using(properties).notifying(this::handle).build();
        runner = Executors.newSingleThreadExecutor();
        runner.execute(engine);
    }

    void stop()
    {
        if (engine == null) {
            return;
        }
        try {
            engine.close();
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        runner.shutdown();
        engine = null;
    }

    private void handle(List<ChangeEvent<String, String>> records, DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer)
            throws InterruptedException
    {
        List<List<ObjectNode>> byLane = new ArrayList<>();
        for (int i = 0; i < LANES; i++) {
            byLane.add(new ArrayList<>());
        }
        for (ChangeEvent<String, String> record : records) {
            if (record.value() == null) {
                continue;
            }
            try {
                JsonNode value = JSON.readTree(record.value());
                ObjectNode message = JSON.createObjectNode();
                message.put("commit_ms", value.path("source").path("ts_ms").asLong());
                message.set("record", value.path("after").isNull() ? value.path("before") : value.path("after"));
                message.put("op", value.path("op").asText());
                byLane.get(Math.floorMod(record.key() == null ? 0 : record.key().hashCode(), LANES)).add(message);
            }
            catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        List<Future<?>> posts = new ArrayList<>();
        for (List<ObjectNode> lane : byLane) {
            if (!lane.isEmpty()) {
                posts.add(lanes.submit(() -> postInBatches(lane)));
            }
        }
        for (Future<?> post : posts) {
            try {
                post.get();
            }
            catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        for (ChangeEvent<String, String> record : records) {
            committer.markProcessed(record);
        }
        committer.markBatchFinished();
    }

    private void postInBatches(List<ObjectNode> messages)
    {
        for (int start = 0; start < messages.size(); start += batchSize) {
            List<ObjectNode> batch = messages.subList(start, Math.min(messages.size(), start + batchSize));
            ObjectNode body = JSON.createObjectNode();
            ArrayNode data = body.putArray("data");
            batch.forEach(data::add);
            HttpRequest request = HttpRequest.newBuilder(URI.create(target)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException("the target answered " + response.statusCode());
                }
            }
            catch (IOException e) {
                throw new IllegalStateException(e);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            delivered.addAndGet(batch.size());
        }
    }

    @Override
    public void close()
    {
        stop();
        lanes.shutdownNow();
    }
}
