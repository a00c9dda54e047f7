package dev.sluice.server.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.server.SluiceProcesses;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static java.util.Objects.requireNonNull;

/**
 * An application reading a pull consumer as users do: receive a batch, then acknowledge it, on a few threads
 * at once. Every message handed out and every acknowledgement the API confirmed goes into the history; failed
 * calls (while the metadata store restarts, say) are counted by status and retried.
 */
final class PullReader
        implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SluiceProcesses http;
    private final String url;
    private final String token;
    private final History history;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong received = new AtomicLong();
    private final Map<String, AtomicLong> failures = new ConcurrentSkipListMap<>();
    /** When receives were answered 200, in order. */
    private final ConcurrentSkipListSet<Instant> answered = new ConcurrentSkipListSet<>();

    PullReader(SluiceProcesses http, String api, String consumer, String token, History history, int threads)
    {
        this.http = requireNonNull(http, "http is null");
        this.url = api + "/v1/consumers/" + consumer;
        this.token = requireNonNull(token, "token is null");
        this.history = requireNonNull(history, "history is null");
        for (int index = 0; index < threads; index++) {
            Thread thread = new Thread(this::run, "pull-" + consumer + "-" + index);
            thread.setDaemon(true);
            this.threads.add(thread);
        }
    }

    void start()
    {
        threads.forEach(Thread::start);
    }

    long received()
    {
        return received.get();
    }

    /** Failed API calls by status ({@code io} when no answer came). */
    Map<String, Long> failures()
    {
        Map<String, Long> counts = new HashMap<>();
        failures.forEach((status, count) -> counts.put(status, count.get()));
        return counts;
    }

    /** The first time the API answered a receive with 200 at or after {@code instant}. */
    Optional<Instant> firstAnswerAfter(Instant instant)
    {
        return Optional.ofNullable(answered.ceiling(instant));
    }

    private void run()
    {
        while (running.get()) {
            try {
                HttpResponse<String> response = http.send("POST", url + "/receive", token, "{\"batch_size\": 100, \"wait_seconds\": 1}");
                if (response.statusCode() != 200) {
                    failed(response);
                    continue;
                }
                answered.add(Instant.now());
                JsonNode data = JSON.readTree(response.body()).path("data");
                if (data.isEmpty()) {
                    continue;
                }
                Map<String, JsonNode> byAckId = new HashMap<>();
                StringBuilder ackIds = new StringBuilder();
                for (JsonNode message : data) {
                    Messages.delivered(history, message);
                    byAckId.put(message.path("ack_id").asText(), message);
                    ackIds.append(ackIds.length() == 0 ? "" : ",").append('"').append(message.path("ack_id").asText()).append('"');
                }
                received.addAndGet(data.size());
                HttpResponse<String> acked = http.send("POST", url + "/ack", token, "{\"ack_ids\": [" + ackIds + "]}");
                if (acked.statusCode() != 200) {
                    failed(acked);
                    continue;
                }
                for (JsonNode outcome : JSON.readTree(acked.body()).path("data")) {
                    if (outcome.path("status").asText().equals("ok")) {
                        JsonNode message = byAckId.get(outcome.path("ack_id").asText());
                        history.acknowledged(Messages.key(message), message.path("id").asText());
                    }
                }
            }
            catch (IOException e) {
                failed("io");
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void failed(HttpResponse<String> response)
    {
        String status = Integer.toString(response.statusCode());
        if (failures.get(status) == null) {
            System.out.println("consumer API answered " + status + ": " + response.body());
        }
        failed(status);
    }

    private void failed(String status)
    {
        failures.computeIfAbsent(status, ignored -> new AtomicLong()).incrementAndGet();
        // the API is unavailable for a moment: do not spin
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Override
    public void close()
            throws InterruptedException
    {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
