package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;

/** BENCHMARKS.md from a result: the command, the machine, the numbers, and each target met or missed. */
final class Report
{
    private Report() {}

    static String markdown(JsonNode result, boolean full, String analysis)
    {
        StringBuilder md = new StringBuilder();
        JsonNode machine = result.path("machine");
        md.append("# Benchmarks\n\n");
        md.append("Measured by `bench/run.sh").append(full ? " --full" : " --quick").append("` on ").append(result.path("date").asText(), 0, 10)
                .append(" (").append(result.path("mode").asText()).append(" mode; `bench/run.sh --full` runs ten times the rows).\n\n");
        md.append("Machine: ").append(machine.path("cpus").asInt()).append(" CPUs (").append(machine.path("cpu").asText()).append("), ")
                .append(machine.path("memory").asText()).append(" memory, ").append(machine.path("java").asText()).append(", heap up to ")
                .append(machine.path("max_heap_mb").asLong()).append(" MB; source and metadata Postgres ").append(result.path("postgres").asText("(embedded)"))
                .append(" (embedded) on the same machine. ")
                .append("Absolute numbers on one small machine are noisy; the ratios are measured side by side in the same run, on the same WAL: ")
                .append("each system reads it from a slot of its own, one after another, so they never compete for the CPUs.\n\n");

        md.append("## Throughput (catch-up: the workload is written first, then each system reads it)\n\n");
        md.append("| workload | changes | raw slot drain /s | Sluice capture /s | capture ÷ raw | Sluice push end to end /s | Debezium embedded push /s | Sluice ÷ Debezium |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode row : result.path("scenarios")) {
            md.append("| ").append(row.path("scenario").asText()).append(" | ").append(number(row.path("changes").asDouble()))
                    .append(" | ").append(number(row.path("raw_drain_per_second").asDouble()))
                    .append(" | ").append(number(row.path("sluice_capture_per_second").asDouble()))
                    .append(" | ").append(percent(row.path("capture_vs_raw").asDouble()))
                    .append(" | ").append(number(row.path("sluice_push_per_second").asDouble()))
                    .append(" | ").append(number(row.path("debezium_push_per_second").asDouble()))
                    .append(" | ").append(ratio(row.path("push_vs_debezium").asDouble())).append(" |\n");
        }
        md.append("\nCapture is WAL → messages committed in Sluice's store (with their checkpoint). Push end to end is WAL → the webhook target answered 200 ")
                .append("(batches of 100, 16 requests in flight, order per key kept); Debezium's handler POSTs the same way to the same target.\n\n");

        md.append("## Latency, source commit → webhook received (100-row transactions, written at a fixed rate)\n\n");
        md.append("| system | rate /s | changes | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|\n");
        latencyRow(md, "Sluice", result.path("latency_sluice"));
        if (result.has("latency_sluice_1000")) {
            latencyRow(md, "Sluice", result.path("latency_sluice_1000"));
        }
        latencyRow(md, "Debezium embedded", result.path("latency_debezium"));

        JsonNode pull = result.path("pull");
        JsonNode memory = result.path("memory");

        md.append("\n## Pull and memory\n\n");
        md.append("- Pull receive + ack, ").append(pull.path("receivers").asInt()).append(" receivers, batches of ").append(pull.path("batch_size").asInt())
                .append(", over HTTP: **").append(number(pull.path("per_second").asDouble())).append(" messages/s** (").append(number(pull.path("messages").asDouble()))
                .append(" messages; the rate after the first ").append(number(pull.path("warm_up_messages").asDouble())).append(", the whole run ")
                .append(number(pull.path("whole_run_per_second").asDouble())).append("/s).\n");
        md.append("- Heap used after GC with a backlog of ").append(number(memory.path("backlog_messages").asDouble())).append(" messages: **")
                .append(String.format(Locale.ROOT, "%.0f MB", memory.path("heap_used_after_gc_mb").asDouble()))
                .append("** (the whole process: control plane, data plane and the harness).\n\n");

        JsonNode fanOut = result.path("fan_out");
        JsonNode backfill = result.path("backfill");
        JsonNode pgbench = result.path("pgbench");
        JsonNode deep = result.path("deep_backlog");
        md.append("## The stream store\n\n");
        md.append("- Fan-out: ").append(fanOut.path("consumers").asInt()).append(" consumers of one source capture **")
                .append(number(fanOut.path("capture_per_second").asDouble())).append(" changes/s** (")
                .append(number(fanOut.path("capture_per_second").asDouble() * fanOut.path("consumers").asInt())).append(" messages/s stored), ")
                .append(String.format(Locale.ROOT, "%.2f", fanOut.path("ratio").asDouble())).append(" of the one-consumer rate above.\n");
        md.append("- Backfill of ").append(number(backfill.path("rows").asDouble())).append(" rows (a consumer with `start: beginning`): **")
                .append(number(backfill.path("rows_per_second").asDouble())).append(" rows/s** into the stream.\n");
        if (pgbench.has("skipped")) {
            md.append("- pgbench TPC-B: skipped (").append(pgbench.path("skipped").asText()).append(").\n");
        }
        else {
            pgbenchLine(md, result.path("pgbench_one_client"), "default settings");
            pgbenchLine(md, pgbench, "default settings");
            pgbenchLine(md, result.path("pgbench_batch_100"), "`batch_size: 100`");
        }
        md.append("- A backlog of ").append(number(deep.path("messages").asDouble())).append(" messages: heap after GC **")
                .append(String.format(Locale.ROOT, "%.0f MB", deep.path("heap_used_after_gc_mb").asDouble())).append("**, receive p99 **")
                .append(String.format(Locale.ROOT, "%.1f ms", deep.path("receive_p99_ms").asDouble())).append("** (empty stream ")
                .append(String.format(Locale.ROOT, "%.1f ms", deep.path("receive_p99_empty_ms").asDouble())).append("), log ")
                .append(number(deep.path("log_bytes_with_backlog").asDouble() / 1024 / 1024)).append(" MB with the backlog and ")
                .append(number(deep.path("log_bytes_after_consumed").asDouble() / 1024 / 1024)).append(" MB once consumed (generations dropped, no VACUUM); drained at ")
                .append(number(deep.path("drain_per_second").asDouble())).append(" messages/s by 4 receivers.\n\n");

        md.append("## Targets\n\n| target | measured | |\n|---|---|---|\n");
        JsonNode first = result.path("scenarios").path(0);
        target(md, "Capture ≥ 50% of the raw slot drain (100-row transactions, 200 B rows)", percent(first.path("capture_vs_raw").asDouble()),
                first.path("capture_vs_raw").asDouble() >= 0.5);
        JsonNode large = result.path("scenarios").path(3);
        target(md, "Capture ≥ 30% of the raw slot drain (100-row transactions, 1600 B rows)", percent(large.path("capture_vs_raw").asDouble()),
                large.path("capture_vs_raw").asDouble() >= 0.3);
        double worst = Double.MAX_VALUE;
        for (JsonNode row : result.path("scenarios")) {
            worst = Math.min(worst, row.path("push_vs_debezium").asDouble());
        }
        target(md, "Push end to end ≥ 1.5× Debezium embedded on every workload", "lowest " + ratio(worst), worst >= 1.5);
        double p99 = result.path("latency_sluice").path("p99_ms").asDouble();
        target(md, "Commit → webhook p99 ≤ 100 ms at 5,000 changes/s", String.format(Locale.ROOT, "%.0f ms", p99), p99 <= 100);
        double p50 = result.path("latency_sluice_1000").path("p50_ms").asDouble();
        target(md, "Commit → webhook p50 ≤ 30 ms at 1,000 changes/s", String.format(Locale.ROOT, "%.0f ms", p50), p50 <= 30);
        target(md, "Pull receive+ack ≥ 30,000 messages/s, 4 receivers, batches of 100", number(pull.path("per_second").asDouble()) + "/s",
                pull.path("per_second").asDouble() >= 30_000);
        target(md, "Fan-out: ten consumers capture ≥ 1/3 of the one-consumer rate", String.format(Locale.ROOT, "%.2f", fanOut.path("ratio").asDouble()),
                fanOut.path("ratio").asDouble() >= 1.0 / 3);
        double heap = deep.path("heap_used_after_gc_mb").asDouble();
        target(md, "Heap after GC ≤ 256 MB with a backlog of 10 million", String.format(Locale.ROOT, "%.0f MB at %s messages", heap,
                number(deep.path("messages").asDouble())), heap <= 256 && deep.path("messages").asLong() >= 10_000_000);
        double receiveRatio = deep.path("receive_p99_ms").asDouble() / Math.max(0.001, deep.path("receive_p99_empty_ms").asDouble());
        target(md, "Receive p99 with that backlog within 2× of an empty stream", String.format(Locale.ROOT, "%.2f×", receiveRatio), receiveRatio <= 2);
        boolean diskBack = deep.path("log_bytes_after_consumed").asDouble() < deep.path("log_bytes_with_backlog").asDouble() / 10;
        target(md, "The disk the consumed messages used given back without VACUUM FULL", number(deep.path("log_bytes_after_consumed").asDouble() / 1024 / 1024)
                + " MB left of " + number(deep.path("log_bytes_with_backlog").asDouble() / 1024 / 1024) + " MB", diskBack);
        for (String run : List.of("pgbench_one_client", "pgbench")) {
            JsonNode measured = result.path(run);
            if (!measured.has("changes") && !measured.has("skipped")) {
                continue;
            }
            double drain = measured.path("undelivered_a_minute_after_run").asLong() > 0 ? Double.MAX_VALUE : measured.path("drain_seconds_after_run").asDouble(Double.MAX_VALUE);
            target(md, "pgbench TPC-B (" + measured.path("clients").asInt(4) + " client" + (measured.path("clients").asInt(4) == 1 ? "" : "s")
                            + "), default push consumer: drained within 5 s of the end of the run",
                    measured.has("skipped") ? "skipped" : drain == Double.MAX_VALUE ? "not drained a minute after" : String.format(Locale.ROOT, "%.1f s", drain),
                    !measured.has("skipped") && drain <= 5);
        }
        target(md, "Backfill ≥ 30,000 rows/s (1 million rows)", number(backfill.path("rows_per_second").asDouble()) + " rows/s",
                backfill.path("rows_per_second").asDouble() >= 30_000);
        md.append("\n## Running them\n\n");
        md.append("- `bench/run.sh --quick` (a few minutes) or `bench/run.sh --full`: the harness above; it writes `bench/target/bench-result.json` and this file.\n");
        md.append("- `bench/run.sh --jmh`: JMH benchmarks of the hot paths (pgoutput decoding, filter evaluation, JSON encoding, message-store writes against an embedded Postgres).\n\n");
        if (!analysis.isBlank()) {
            md.append(analysis.strip()).append('\n');
        }
        return md.toString();
    }

    private static void latencyRow(StringBuilder md, String system, JsonNode latency)
    {
        md.append("| ").append(system).append(" | ").append(number(latency.path("rate_per_second").asDouble())).append(" | ")
                .append(number(latency.path("changes").asDouble())).append(" | ")
                .append(String.format(Locale.ROOT, "%.0f | %.0f | %.0f | %.0f |\n", latency.path("p50_ms").asDouble(), latency.path("p95_ms").asDouble(),
                        latency.path("p99_ms").asDouble(), latency.path("max_ms").asDouble()));
    }

    private static void target(StringBuilder md, String target, String measured, boolean met)
    {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "met" : "**missed**").append(" |\n");
    }

    private static String number(double value)
    {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String percent(double value)
    {
        return String.format(Locale.ROOT, "%.0f%%", value * 100);
    }

    private static String ratio(double value)
    {
        return String.format(Locale.ROOT, "%.2f×", value);
    }

    private static void pgbenchLine(StringBuilder md, JsonNode run, String consumer)
    {
        if (!run.has("changes")) {
            return;
        }
        md.append("- pgbench TPC-B (").append(run.path("clients").asInt(4)).append(run.path("clients").asInt(4) == 1 ? " client, " : " clients, ")
                .append(run.path("seconds").asInt()).append(" s, ").append(number(run.path("tps").asDouble())).append(" tps, ")
                .append(number(run.path("changes").asDouble())).append(" changes) against a push consumer with ").append(consumer).append(": ")
                .append(number(run.path("delivered_during_run_per_second").asDouble())).append(" messages/s delivered during the run, ")
                .append(run.path("undelivered_a_minute_after_run").asLong() > 0
                        ? "**not drained**: " + number(run.path("undelivered_a_minute_after_run").asDouble()) + " undelivered a minute after it ended.\n"
                        : String.format(Locale.ROOT, "**drained %.1f s** after it ended.\n", run.path("drain_seconds_after_run").asDouble()));
    }
}
