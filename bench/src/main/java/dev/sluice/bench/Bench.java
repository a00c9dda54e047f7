package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The end-to-end benchmark: one source Postgres, one workload, and side by side in the same run a raw slot
 * drain (the physical limit), Sluice (capture into its store, push to a webhook, pull receive+ack) and
 * Debezium's embedded engine posting to the same webhook. Each system reads the same WAL from a slot of its
 * own, one after another, so they never compete for the machine. Writes a JSON result and BENCHMARKS.md.
 *
 * <p>Usage: {@code Bench [--quick|--full] [--out DIR] [--markdown FILE] [--analysis FILE]}; {@code bench/run.sh} runs it.
 */
public final class Bench
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private Bench() {}

    record Scenario(String name, long rows, int rowsPerTransaction, int jsonBytes, boolean mixed) {}

    public static void main(String[] args)
    {
        try {
            run(args);
        }
        catch (Exception | Error e) {
            // the servers and engines it started keep non-daemon threads: a failed run must still end
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args)
            throws Exception
    {
        boolean full = List.of(args).contains("--full");
        // --only capture,latency,pull,fan-out,backfill,pgbench,backlog runs those parts alone (while tuning one path)
        List<String> only = List.of(argument(args, "--only", "capture,latency,pull,fan-out,backfill,pgbench,backlog").split(","));
        // generations close sooner than in production, so the deep-backlog scenario sees consumed ones dropped
        System.setProperty("sluice.stream.generationRows", "100000");
        Path out = Path.of(argument(args, "--out", "."));
        long scale = full ? 10 : 1;
        List<Scenario> scenarios = List.of(
                new Scenario("insert, 100-row transactions, 200 B rows", 50_000 * scale, 100, 200, false),
                new Scenario("insert, 1-row transactions, 200 B rows", 20_000 * scale, 1, 200, false),
                new Scenario("mixed insert/update/delete, 100-row transactions, 200 B rows", 50_000 * scale, 100, 200, true),
                new Scenario("insert, 100-row transactions, 1600 B rows", 20_000 * scale, 100, 1600, false));
        Duration latencyRun = full ? Duration.ofSeconds(60) : Duration.ofSeconds(15);
        long pullMessages = 50_000 * scale;

        ObjectNode result = JSON.createObjectNode();
        result.put("mode", full ? "full" : "quick");
        result.put("date", Instant.now().toString());
        result.set("machine", Machine.describe());
        ArrayNode results = result.putArray("scenarios");
        Path work = Files.createTempDirectory("sluice-bench");

        try (SourceDb source = new SourceDb(); WebhookSink sink = new WebhookSink(); SluiceRunner sluice = new SluiceRunner(work)) {
            log("source Postgres on port " + source.port() + "; starting Sluice");
            result.put("postgres", source.serverVersion());
            sluice.start();
            sluice.createAccount();
            String sourceId = sluice.createSource(source);
            sluice.createEndpoint(sink.url("/sluice"));
            sluice.createPushConsumer("push", sourceId, 100);
            waitFor("Sluice streams the source", Duration.ofMinutes(2), () -> "streaming".equals(sluice.sourceStatus(sourceId).path("state").asText()) ? 1 : 0, 1);
            RawSlotDrain raw = new RawSlotDrain(source);
            raw.prepare();
            DebeziumRunner debezium = new DebeziumRunner(source, work, sink.url("/debezium"), 100);
            debezium.start();
            waitFor("Debezium streams the source", Duration.ofMinutes(2), () -> slotActive(source, "debezium_bench") ? 1 : 0, 1);
            // warm-up, not timed: both systems run their code paths (and the JIT compiles them) before anything is measured
            log("warm-up: 50,000 changes through Sluice and Debezium, not timed");
            sink.reset();
            source.write(50_000, 100, 200, false, 0);
            waitFor("Sluice's warm-up", Duration.ofMinutes(10), () -> sink.received("/sluice"), 50_000);
            waitFor("Debezium's warm-up", Duration.ofMinutes(10), () -> sink.received("/debezium"), 50_000);
            debezium.stop();
            // the stored count survives restarts: read it while Sluice runs, so a restart that starts storing at once is measured whole
            long stored = sluice.sourceStatus(sourceId).path("messages_stored").asLong();
            sluice.stop();

            for (Scenario scenario : only.contains("capture") ? scenarios : List.<Scenario>of()) {
                log("scenario: " + scenario.name());
                source.execute("select pg_replication_slot_advance('bench_raw', pg_current_wal_lsn())");
                source.execute("select pg_replication_slot_advance('debezium_bench', pg_current_wal_lsn())");
                sink.reset();
                long writeStart = System.nanoTime();
                source.write(scenario.rows(), scenario.rowsPerTransaction(), scenario.jsonBytes(), scenario.mixed(), 0);
                double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
                long changes = scenario.mixed() ? raw.pendingChanges() : scenario.rows();
                log("  wrote " + changes + " changes in " + seconds(writeSeconds));

                double rawSeconds = raw.drain(changes);
                log("  raw slot drain: " + rate(changes, rawSeconds));

                long base = stored;
                sluice.start();
                Timing capture = Timing.until(() -> sluice.sourceStatus(sourceId).path("messages_stored").asLong() - base, changes,
                        () -> sink.received("/sluice"), Duration.ofMinutes(30));
                double captureSeconds = capture.lastAt() - capture.firstAt();
                double pushSeconds = capture.secondLastAt() - capture.firstAt();
                log("  Sluice capture: " + rate(changes, captureSeconds) + ", push end to end: " + rate(changes, pushSeconds));
                stored = sluice.sourceStatus(sourceId).path("messages_stored").asLong();
                sluice.stop();

                debezium.resetDelivered();
                debezium.start();
                Timing debeziumTiming = Timing.until(debezium::delivered, changes, debezium::delivered, Duration.ofMinutes(30));
                debezium.stop();
                double debeziumSeconds = debeziumTiming.lastAt() - debeziumTiming.firstAt();
                log("  Debezium embedded push end to end: " + rate(changes, debeziumSeconds));

                ObjectNode row = results.addObject();
                row.put("scenario", scenario.name());
                row.put("changes", changes);
                row.put("write_per_second", changes / writeSeconds);
                row.put("raw_drain_per_second", changes / rawSeconds);
                row.put("sluice_capture_per_second", changes / captureSeconds);
                row.put("sluice_push_per_second", changes / pushSeconds);
                row.put("debezium_push_per_second", changes / debeziumSeconds);
                row.put("capture_vs_raw", rawSeconds / captureSeconds);
                row.put("push_vs_debezium", debeziumSeconds / pushSeconds);
            }

            if (only.contains("latency")) {
                log("latency at 5,000 and 1,000 changes/s for " + latencyRun.toSeconds() + " s each");
                source.execute("select pg_replication_slot_advance('bench_raw', pg_current_wal_lsn())");
                source.execute("select pg_replication_slot_advance('debezium_bench', pg_current_wal_lsn())");
                sluice.start();
                waitFor("Sluice streams the source", Duration.ofMinutes(2), () -> "streaming".equals(sluice.sourceStatus(sourceId).path("state").asText()) ? 1 : 0, 1);
                result.set("latency_sluice", latency(source, sink, "/sluice", latencyRun, sink::received, 5_000));
                result.set("latency_sluice_1000", latency(source, sink, "/sluice", latencyRun, sink::received, 1_000));
                sluice.stop();
                source.execute("select pg_replication_slot_advance('debezium_bench', pg_current_wal_lsn())");
                debezium.resetDelivered();
                debezium.start();
                waitFor("Debezium streams the source", Duration.ofMinutes(2), () -> slotActive(source, "debezium_bench") ? 1 : 0, 1);
                result.set("latency_debezium", latency(source, sink, "/debezium", latencyRun, path -> debezium.delivered(), 5_000));
            }
            debezium.close();

            if (only.contains("pull")) {
                log("pull: " + pullMessages + " messages received and acked in batches of 100");
                sluice.start();
                sluice.setActive("push", false);
                sluice.createPullConsumer("pull", sourceId);
                source.write(pullMessages, 100, 200, false, 0);
                waitFor("the pull consumer's backlog", Duration.ofMinutes(30), () -> sluice.backlog("pull"), pullMessages);
                result.set("memory", memory(pullMessages));
                result.set("pull", pull(sluice, pullMessages));
                sluice.deleteConsumer("pull");
                sluice.setActive("push", true);
                sluice.stop();
            }

            double oneConsumer = results.path(0).path("sluice_capture_per_second").asDouble();
            if (only.contains("fan-out")) {
                result.set("fan_out", StoreScenarios.fanOut(source, sluice, sourceId, 20_000 * scale, 10, oneConsumer));
            }
            if (only.contains("backfill")) {
                result.set("backfill", StoreScenarios.backfill(source, sluice, sourceId, Long.parseLong(argument(args, "--backfill-rows", "1000000"))));
            }
            if (only.contains("pgbench")) {
                Duration pgbenchRun = full ? Duration.ofSeconds(60) : Duration.ofSeconds(20);
                // warm-up, not reported: the warm-up above sends batches of 100, so one-message requests are still cold here
                log("warm-up: pgbench for 10 s against a default push consumer, not reported");
                StoreScenarios.pgbench(source, sluice, sourceId, sink, Duration.ofSeconds(10), 4, "tpcbwarm", "");
                // pgbench as a new user first runs it (one client, its default), then four clients
                result.set("pgbench_one_client", StoreScenarios.pgbench(source, sluice, sourceId, sink, pgbenchRun, 1, "tpcb1", ""));
                result.set("pgbench", StoreScenarios.pgbench(source, sluice, sourceId, sink, pgbenchRun, 4, "tpcb", ""));
                // the same with batches allowed: what strict per-key order costs a consumer that takes one message per request
                result.set("pgbench_batch_100", StoreScenarios.pgbench(source, sluice, sourceId, sink, pgbenchRun, 4, "tpcb100", "\"batch_size\": 100"));
            }
            if (only.contains("backlog")) {
                long backlog = Long.parseLong(argument(args, "--backlog", full ? "10000000" : "300000"));
                result.set("deep_backlog", StoreScenarios.deepBacklog(source, sluice, sourceId, backlog));
            }
        }

        Files.createDirectories(out);
        Path json = out.resolve("bench-result.json");
        Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        Path analysis = Path.of(argument(args, "--analysis", "bench/analysis.md"));
        Path markdown = Path.of(argument(args, "--markdown", "bench/target/report.md")).toAbsolutePath();
        Files.createDirectories(markdown.getParent());
        Files.writeString(markdown, Report.markdown(result, full, Files.exists(analysis) ? Files.readString(analysis) : ""));
        log("wrote " + json.toAbsolutePath() + " and " + markdown.toAbsolutePath());
    }

    private static ObjectNode latency(SourceDb source, WebhookSink sink, String path, Duration run, ToLongFunction<String> delivered, int rate)
    {
        sink.reset();
        sink.recordLatency(true);
        long rows = rate * run.toSeconds();
        long before = delivered.applyAsLong(path);
        source.write(rows, 100, 200, false, rate);
        waitFor("every change of the latency run", Duration.ofMinutes(10), () -> delivered.applyAsLong(path) - before, rows);
        sink.recordLatency(false);
        List<Double> latencies = new ArrayList<>(sink.latenciesMillis());
        latencies.sort(Double::compare);
        ObjectNode node = JSON.createObjectNode();
        node.put("changes", latencies.size());
        node.put("rate_per_second", rate);
        node.put("p50_ms", percentile(latencies, 0.50));
        node.put("p95_ms", percentile(latencies, 0.95));
        node.put("p99_ms", percentile(latencies, 0.99));
        node.put("max_ms", latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1));
        log("  " + path + " at " + rate + "/s: p50 " + node.get("p50_ms") + " ms, p95 " + node.get("p95_ms") + " ms, p99 " + node.get("p99_ms") + " ms");
        return node;
    }

    /**
     * Four receivers receive and ack the backlog in batches of 100. The first fifth warms the server's code paths
     * up (in a quick run the whole pull lasts a few seconds, much of it spent compiling them); the rate is taken
     * over the rest, and the whole run's rate is kept beside it.
     */
    private static ObjectNode pull(SluiceRunner sluice, long messages)
            throws Exception
    {
        AtomicLong acked = new AtomicLong();
        long warmUp = messages / 5;
        AtomicLong timedFrom = new AtomicLong();
        AtomicLong ackedAtTimedFrom = new AtomicLong();
        int receivers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(receivers);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            futures.add(pool.submit(() -> {
                while (acked.get() < messages) {
                    JsonNode batch = sluice.receive("pull", 100);
                    if (batch.isEmpty()) {
                        continue;
                    }
                    List<String> ids = new ArrayList<>();
                    batch.forEach(message -> ids.add('"' + message.path("ack_id").asText() + '"'));
                    sluice.ack("pull", ids.toString());
                    long total = acked.addAndGet(ids.size());
                    if (total >= warmUp && timedFrom.get() == 0) {
                        synchronized (timedFrom) {
                            if (timedFrom.get() == 0) {
                                ackedAtTimedFrom.set(total);
                                timedFrom.set(System.nanoTime());
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        double timedSeconds = (end - timedFrom.get()) / 1e9;
        long timed = acked.get() - ackedAtTimedFrom.get();
        pool.shutdown();
        ObjectNode node = JSON.createObjectNode();
        node.put("messages", acked.get());
        node.put("receivers", receivers);
        node.put("batch_size", 100);
        node.put("warm_up_messages", ackedAtTimedFrom.get());
        node.put("per_second", timed / timedSeconds);
        node.put("whole_run_per_second", acked.get() / seconds);
        log("  pull receive+ack: " + rate(timed, timedSeconds) + " after a warm-up of " + ackedAtTimedFrom.get() + "; whole run " + rate(acked.get(), seconds));
        return node;
    }

    private static ObjectNode memory(long backlog)
    {
        System.gc();
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        ObjectNode node = JSON.createObjectNode();
        node.put("backlog_messages", backlog);
        node.put("heap_used_after_gc_mb", used / 1024.0 / 1024.0);
        node.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1024.0 / 1024.0);
        log("  heap after GC with a backlog of " + backlog + ": " + String.format("%.0f MB", used / 1024.0 / 1024.0));
        return node;
    }

    static boolean slotActive(SourceDb source, String slot)
    {
        try (Connection connection = source.connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select coalesce(bool_or(active), false) from pg_replication_slots where slot_name = '" + slot + "'")) {
            rs.next();
            return rs.getBoolean(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void waitFor(String what, Duration timeout, LongSupplier value, long target)
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (value.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what + ": " + value.getAsLong() + " of " + target);
            }
            sleep(50);
        }
    }

    static void sleep(long millis)
    {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static double percentile(List<Double> sorted, double quantile)
    {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1));
    }

    private static String rate(long count, double seconds)
    {
        return String.format("%,.0f changes/s (%,d in %.2f s)", count / seconds, count, seconds);
    }

    private static String seconds(double seconds)
    {
        return String.format("%.2f s", seconds);
    }

    private static String argument(String[] args, String name, String otherwise)
    {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }

    static void log(String line)
    {
        System.out.println("[bench] " + line);
    }

    /**
     * When a count first moved and when it reached its target, and when a second count (that follows the first)
     * reached the same target, in seconds on the monotonic clock, polled every 25 ms (polling is an API call: often enough to time
     * a run of a second to within a few percent, rarely enough not to load the system measured). A run shorter than one poll
     * counts as one poll long.
     */
    record Timing(double firstAt, double lastAt, double secondLastAt)
    {
        static Timing until(LongSupplier count, long target, LongSupplier second, Duration timeout)
        {
            long deadline = System.nanoTime() + timeout.toNanos();
            double first = -1;
            double last = -1;
            while (true) {
                long value = last < 0 ? count.getAsLong() : target;
                long secondValue = second.getAsLong();
                double now = System.nanoTime() / 1e9;
                if (value > 0 && first < 0) {
                    first = now;
                }
                if (value >= target && last < 0) {
                    last = now;
                }
                if (last >= 0 && secondValue >= target) {
                    double poll = 0.025;
                    return new Timing(first, Math.max(last, first + poll), Math.max(now, first + poll));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out at " + value + " and " + secondValue + " of " + target);
                }
                sleep(25);
            }
        }
    }
}
