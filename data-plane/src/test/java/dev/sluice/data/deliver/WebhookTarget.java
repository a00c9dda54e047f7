package dev.sluice.data.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.data.ExtractionHarness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server standing in for a user's webhook receiver. Each request is recorded; what it answers
 * (a status, a delay, no answer at all) is decided per request by the test.
 */
final class WebhookTarget
        implements AutoCloseable
{
    private final HttpServer server;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile Function<Request, Answer> behaviour = request -> Answer.respond(200);

    WebhookTarget()
    {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            Request request = new Request(exchange.getRequestURI().getPath(), headers, body, System.nanoTime());
            Answer answer = behaviour.apply(request);
            requests.add(request);
            try {
                if (!answer.delay().isZero()) {
                    Thread.sleep(answer.delay().toMillis());
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (answer.closeWithoutAnswer()) {
                exchange.close();
                return;
            }
            byte[] response = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), response.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response);
            }
        });
        server.start();
    }

    String url()
    {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answer(Function<Request, Answer> behaviour)
    {
        this.behaviour = behaviour;
    }

    List<Request> requests()
    {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
    }

    /** A request as the target saw it. */
    record Request(String path, Map<String, String> headers, String body, long receivedNanos)
    {
        JsonNode json()
        {
            try {
                return ExtractionHarness.JSON.readTree(body);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int id()
        {
            return json().path("record").path("id").asInt();
        }
    }

    /** What the target does with a request. */
    record Answer(int status, Duration delay, boolean closeWithoutAnswer)
    {
        static Answer respond(int status)
        {
            return new Answer(status, Duration.ZERO, false);
        }

        static Answer respondAfter(Duration delay, int status)
        {
            return new Answer(status, delay, false);
        }

        static Answer hangUp()
        {
            return new Answer(0, Duration.ZERO, true);
        }
    }
}
