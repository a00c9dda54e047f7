package dev.sluice.server.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * A user's webhook receiver that can be cut off: it answers 200, refuses connections (nothing listens on its
 * port), black-holes requests (reads them and never answers) or answers 500. Every message it is sent goes
 * into the history; only a 200 acknowledges it.
 */
final class WebhookReceiver
        implements AutoCloseable
{
    enum Mode
    {
        ANSWER,
        REFUSE,
        BLACK_HOLE,
        FAIL
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final History history;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicLong requests = new AtomicLong();
    private final int port;
    private HttpServer server;
    private Mode mode = Mode.ANSWER;

    WebhookReceiver(History history)
    {
        this.history = requireNonNull(history, "history is null");
        this.server = listen(0);
        this.port = server.getAddress().getPort();
    }

    String url()
    {
        return "http://127.0.0.1:" + port + "/hook";
    }

    long requests()
    {
        return requests.get();
    }

    synchronized void mode(Mode next)
    {
        if (next == mode) {
            return;
        }
        if (next == Mode.REFUSE) {
            server.stop(0);
            server = null;
        }
        else if (mode == Mode.REFUSE) {
            server = listen(port);
        }
        mode = next;
        // requests held by the black hole are let go (without an answer)
        notifyAll();
    }

    private synchronized Mode mode()
    {
        return mode;
    }

    private HttpServer listen(int onPort)
    {
        try {
            HttpServer listening = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 100);
            listening.setExecutor(executor);
            listening.createContext("/", this::handle);
            listening.start();
            return listening;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange)
            throws IOException
    {
        requests.incrementAndGet();
        JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            body = JSON.readTree(in.readAllBytes());
        }
        List<JsonNode> messages = new ArrayList<>();
        if (body.has("data")) {
            body.path("data").forEach(messages::add);
        }
        else {
            messages.add(body);
        }
        messages.forEach(message -> Messages.delivered(history, message));
        Mode answering = mode();
        switch (answering) {
            case BLACK_HOLE -> {
                holdWhileBlackHoled();
                exchange.close();
            }
            case FAIL -> respond(exchange, 500);
            default -> {
                messages.forEach(message -> history.acknowledged(Messages.key(message), message.path("id").asText()));
                respond(exchange, 200);
            }
        }
    }

    private synchronized void holdWhileBlackHoled()
    {
        while (mode == Mode.BLACK_HOLE) {
            try {
                wait();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void respond(HttpExchange exchange, int status)
            throws IOException
    {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public synchronized void close()
    {
        mode = Mode.ANSWER;
        notifyAll();
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
    }
}
