package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.sluice.bench.Bench.log;
import static dev.sluice.bench.Bench.percentile;
import static dev.sluice.bench.Bench.sleep;
import static dev.sluice.bench.Bench.waitFor;

/**
 * The stream store's scenarios: capture with ten consumers of one source, a backfill of a large table, a
 * pgbench TPC-B run against a default push consumer, and a deep backlog (heap, receive latency, disk given
 * back once it is consumed).
 */
final class StoreScenarios
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreScenarios() {}

    /** Capture with {@code consumers} pull consumers of the same table, against the one-consumer rate measured before. */
    static ObjectNode fanOut(SourceDb source, SluiceRunner sluice, String sourceId, long changes, int consumers, double oneConsumerRate)
    {
        log("fan-out: " + consumers + " consumers of one source, " + changes + " changes");
        List<String> names = new ArrayList<>();
        sluice.start();
        sluice.setActive("push", false);
        // the paused push consumer of the table is one of them
        for (int i = 1; i < consumers; i++) {
            String name = "fan-" + i;
            sluice.createPullConsumer(name, sourceId);
            names.add(name);
        }
        long before = sluice.sourceStatus(sourceId).path("messages_stored").asLong();
        sluice.stop();
        source.write(changes, 100, 200, false, 0);
        sluice.start();
        // every change is a message for each of the consumers
        long messages = changes * consumers;
        Bench.Timing timing = Bench.Timing.until(() -> sluice.sourceStatus(sourceId).path("messages_stored").asLong() - before, messages,
                () -> messages, Duration.ofMinutes(30));
        double seconds = timing.lastAt() - timing.firstAt();
        names.forEach(sluice::deleteConsumer);
        sluice.setActive("push", true);
        sluice.stop();
        ObjectNode node = JSON.createObjectNode();
        node.put("consumers", consumers);
        node.put("changes", changes);
        node.put("capture_per_second", changes / seconds);
        node.put("one_consumer_per_second", oneConsumerRate);
        node.put("ratio", changes / seconds / oneConsumerRate);
        log(String.format("  %d consumers: %,.0f changes/s (%,.0f messages/s stored), %.2f of one consumer's rate", consumers, changes / seconds,
                changes * consumers / seconds, changes / seconds / oneConsumerRate));
        return node;
    }

    /** A consumer starting at the beginning of a table of {@code rows} rows of the harness's shape. */
    static ObjectNode backfill(SourceDb source, SluiceRunner sluice, String sourceId, long rows)
    {
        log("backfill: " + rows + " rows");
        source.execute("""
                create table if not exists bench_backfill (like bench_records including all);
                truncate bench_backfill;
                insert into bench_backfill (string_field, numeric_field, timestamp_field, json_field)
                select 'row-' || g, g, now(), jsonb_build_object('kind', 'order', 'padding', repeat('x', 160)) from generate_series(1, %d) g;
                analyze bench_backfill;
                """.formatted(rows));
        sluice.start();
        long start = System.nanoTime();
        sluice.createConsumer("""
                {"name": "backfill", "source_id": "%s", "kind": "pull", "tables": [{"table": "bench_backfill"}], "start": {"at": "beginning"},
                 "max_ack_pending": 1000}
                """.formatted(sourceId));
        waitFor("the backfill's messages", Duration.ofMinutes(60), () -> sluice.backlog("backfill"), rows);
        double seconds = (System.nanoTime() - start) / 1e9;
        sluice.deleteConsumer("backfill");
        sluice.stop();
        ObjectNode node = JSON.createObjectNode();
        node.put("rows", rows);
        node.put("seconds", seconds);
        node.put("rows_per_second", rows / seconds);
        log(String.format("  backfill: %,.0f rows/s (%,d rows in %.1f s)", rows / seconds, rows, seconds));
        return node;
    }

    /**
     * pgbench's TPC-B-like script against the source for {@code duration}, with a push consumer created with nothing
     * but its name, source, tables and endpoint (and {@code settings}, JSON members to add): how long after the run ends its
     * last change is delivered.
     */
    static ObjectNode pgbench(SourceDb source, SluiceRunner sluice, String sourceId, WebhookSink sink, Duration duration, int clients, String name,
            String settings)
            throws IOException, InterruptedException
    {
        ObjectNode node = JSON.createObjectNode();
        String pgbench = findPgbench();
        if (pgbench == null) {
            log("pgbench: not installed (Debian: apt-get install postgresql-client); scenario skipped");
            node.put("skipped", "pgbench not installed");
            return node;
        }
        log("pgbench TPC-B, " + clients + " client(s), for " + duration.toSeconds() + " s against a push consumer with "
                + (settings.isEmpty() ? "default settings" : settings));
        run(List.of(pgbench, "-i", "-s", "1", "-q", "-h", "127.0.0.1", "-p", Integer.toString(source.port()), "-U", SourceDb.USER, SourceDb.DATABASE));
        sluice.start();
        sluice.setActive("push", false);
        sluice.createConsumer("""
                {"name": "%s", "source_id": "%s", "kind": "push", "endpoint_id": "sink", "path": "/%s",
                 "tables": [{"table": "pgbench_accounts"}, {"table": "pgbench_tellers"}, {"table": "pgbench_branches"}]%s}
                """.formatted(name, sourceId, name, settings.isEmpty() ? "" : ", " + settings));
        sink.reset();
        long start = System.nanoTime();
        String output = run(List.of(pgbench, "-n", "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 2)), "-T", Long.toString(duration.toSeconds()), "-h", "127.0.0.1", "-p",
                Integer.toString(source.port()), "-U", SourceDb.USER, SourceDb.DATABASE));
        double ended = (System.nanoTime() - start) / 1e9;
        long transactions = output.lines().filter(line -> line.startsWith("number of transactions actually processed"))
                .map(line -> Long.parseLong(line.replaceAll(".*: (\\d+).*", "$1"))).findFirst().orElseThrow();
        long changes = transactions * 3;
        long deliveredAtEnd = sink.received("/sluice/" + name);
        // a consumer that cannot keep up is reported as such after a minute, rather than waited for
        long giveUp = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (sink.received("/sluice/" + name) < changes && System.nanoTime() < giveUp) {
            sleep(100);
        }
        long deliveredAfter = sink.received("/sluice/" + name);
        double drained = deliveredAfter >= changes ? (System.nanoTime() - start) / 1e9 - ended : Double.POSITIVE_INFINITY;
        node.put("undelivered_a_minute_after_run", changes - deliveredAfter);
        sluice.deleteConsumer(name);
        sluice.setActive("push", true);
        sluice.stop();
        node.put("seconds", duration.toSeconds());
        node.put("clients", clients);
        node.put("transactions", transactions);
        node.put("tps", transactions / ended);
        node.put("changes", changes);
        node.put("delivered_during_run_per_second", deliveredAtEnd / ended);
        node.put("drain_seconds_after_run", drained);
        log(String.format("  pgbench: %,d transactions (%,.0f tps), %,d changes; %,.0f delivered/s during the run; drained %.2f s after it ended"
                + " (%,d undelivered a minute after it)", transactions, transactions / ended, changes, deliveredAtEnd / ended, drained, changes - deliveredAfter));
        return node;
    }

    /**
     * A pull consumer {@code messages} messages behind: heap after GC, receive latency against an empty stream, then
     * the disk its log used before and after it is consumed (generations dropped, no VACUUM).
     */
    static ObjectNode deepBacklog(SourceDb source, SluiceRunner sluice, String sourceId, long messages)
    {
        log("deep backlog: " + messages + " messages");
        sluice.start();
        // the last scenario: the table's push consumer goes, so the only consumer of what is written is the deep one
        sluice.deleteConsumer("push");
        sluice.createPullConsumer("deep", sourceId);
        List<Double> empty = receiveLatencies(sluice, "deep", 200);
        sluice.stop();
        source.write(messages, 1000, 200, false, 0);
        sluice.start();
        waitFor("the deep backlog", Duration.ofHours(3), () -> sluice.backlog("deep"), messages);
        System.gc();
        System.gc();
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024.0 / 1024.0;
        List<Double> deep = receiveLatencies(sluice, "deep", 200);
        long logBytes = sluice.metadataNumber("select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c where c.relname like 'stream_log_%' and c.relkind = 'r'");
        log(String.format("  heap after GC %.0f MB; receive p99 %.1f ms (empty stream %.1f ms); log %,d MB", heap, percentile(deep, 0.99),
                percentile(empty, 0.99), logBytes / 1024 / 1024));
        long start = System.nanoTime();
        drain(sluice, "deep", messages);
        double drainSeconds = (System.nanoTime() - start) / 1e9;
        log(String.format("  drained in %.1f s (%,.0f messages/s); waiting for consumed generations to be dropped", drainSeconds, messages / drainSeconds));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long after = logBytes;
        while (System.nanoTime() < deadline) {
            after = sluice.metadataNumber("select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c where c.relname like 'stream_log_%' and c.relkind = 'r'");
            if (after < logBytes / 10) {
                break;
            }
            sleep(1000);
        }
        sluice.deleteConsumer("deep");
        sluice.stop();
        ObjectNode node = JSON.createObjectNode();
        node.put("messages", messages);
        node.put("heap_used_after_gc_mb", heap);
        node.put("receive_p99_ms", percentile(deep, 0.99));
        node.put("receive_p99_empty_ms", percentile(empty, 0.99));
        node.put("log_bytes_with_backlog", logBytes);
        node.put("log_bytes_after_consumed", after);
        node.put("drain_per_second", messages / drainSeconds);
        log(String.format("  log %,d MB with the backlog, %,d MB once consumed", logBytes / 1024 / 1024, after / 1024 / 1024));
        return node;
    }

    /** Times {@code count} receives of one message each (acked at once, so the next receive finds the next). */
    private static List<Double> receiveLatencies(SluiceRunner sluice, String consumer, int count)
    {
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            JsonNode batch = sluice.receive(consumer, 1);
            latencies.add((System.nanoTime() - start) / 1e6);
            if (!batch.isEmpty()) {
                sluice.ack(consumer, "[\"" + batch.get(0).path("ack_id").asText() + "\"]");
            }
        }
        latencies.sort(Double::compare);
        return latencies;
    }

    private static void drain(SluiceRunner sluice, String consumer, long messages)
    {
        AtomicLong acked = new AtomicLong();
        List<Thread> receivers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread thread = new Thread(() -> {
                while (sluice.backlog(consumer) > 0) {
                    for (int round = 0; round < 50; round++) {
                        JsonNode batch = sluice.receive(consumer, 100);
                        if (batch.isEmpty()) {
                            break;
                        }
                        List<String> ids = new ArrayList<>();
                        batch.forEach(message -> ids.add('"' + message.path("ack_id").asText() + '"'));
                        sluice.ack(consumer, ids.toString());
                        acked.addAndGet(ids.size());
                    }
                }
            });
            thread.start();
            receivers.add(thread);
        }
        for (Thread thread : receivers) {
            try {
                thread.join();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static String findPgbench()
    {
        for (String candidate : List.of("pgbench", "/usr/lib/postgresql/17/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench", "/usr/lib/postgresql/15/bin/pgbench")) {
            try {
                Process process = new ProcessBuilder(candidate, "--version").redirectErrorStream(true).start();
                if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    return candidate;
                }
            }
            catch (IOException | InterruptedException e) {
                // not this one
            }
        }
        return null;
    }

    private static String run(List<String> command)
            throws IOException, InterruptedException
    {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", SourceDb.PASSWORD);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

}
