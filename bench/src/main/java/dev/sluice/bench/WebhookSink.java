package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook target both Sluice and Debezium post to: a real local HTTP server that answers 200, counts the
 * records each path received and, when asked, how long after its commit each record arrived.
 */
final class WebhookSink
        implements Closeable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ConcurrentHashMap<String, AtomicLong> received = new ConcurrentHashMap<>();
    private final List<Double> latenciesMillis = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean recordLatency;

    WebhookSink()
    {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path)
    {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    long received(String path)
    {
        return received.computeIfAbsent(path, key -> new AtomicLong()).get();
    }

    void reset()
    {
        received.clear();
        latenciesMillis.clear();
    }

    void recordLatency(boolean record)
    {
        recordLatency = record;
    }

    List<Double> latenciesMillis()
    {
        synchronized (latenciesMillis) {
            return List.copyOf(latenciesMillis);
        }
    }

    private void handle(HttpExchange exchange)
            throws IOException
    {
        long now = System.currentTimeMillis();
        byte[] body = exchange.getRequestBody().readAllBytes();
        JsonNode json = JSON.readTree(body);
        JsonNode records = json.has("data") ? json.get("data") : JSON.createArrayNode().add(json);
        received.computeIfAbsent(exchange.getRequestURI().getPath(), key -> new AtomicLong()).addAndGet(records.size());
        if (recordLatency) {
            for (JsonNode record : records) {
                long committed = record.has("commit_ms")
                        ? record.get("commit_ms").asLong()
                        : Instant.parse(record.path("metadata").path("commit_timestamp").asText()).toEpochMilli();
                latenciesMillis.add((double) (now - committed));
            }
        }
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
