package dev.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** BENCHMARKS.md says which targets a result meets, from the numbers it measured. */
class ReportTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachTargetIsMetOrMissedByItsMeasuredValue()
    {
        ObjectNode result = JSON.createObjectNode();
        result.put("mode", "quick");
        result.put("date", "2026-11-24T05:00:00Z");
        result.putObject("machine").put("cpus", 2);
        result.put("postgres", "14.22");
        ObjectNode scenario = result.putArray("scenarios").addObject();
        scenario.put("scenario", "insert, 100-row transactions, 200 B rows");
        scenario.put("changes", 50_000);
        scenario.put("raw_drain_per_second", 70_000);
        scenario.put("sluice_capture_per_second", 49_000);
        scenario.put("capture_vs_raw", 0.7);
        scenario.put("push_vs_debezium", 1.2);
        result.putObject("latency_sluice").put("p99_ms", 80).put("rate_per_second", 5000);
        result.putObject("latency_debezium").put("p99_ms", 120).put("rate_per_second", 5000);
        result.putObject("pull").put("per_second", 25_000).put("receivers", 4).put("batch_size", 100);
        result.putObject("memory").put("heap_used_after_gc_mb", 40).put("backlog_messages", 50_000);
        result.putObject("latency_sluice_1000").put("p50_ms", 25).put("rate_per_second", 1000);
        result.putObject("fan_out").put("consumers", 10).put("capture_per_second", 20_000).put("ratio", 0.4);
        result.putObject("backfill").put("rows", 1_000_000).put("rows_per_second", 31_000);
        result.putObject("pgbench").put("seconds", 20).put("clients", 4).put("changes", 90_000).put("drain_seconds_after_run", 7.5)
                .put("undelivered_a_minute_after_run", 0);
        result.putObject("pgbench_one_client").put("seconds", 20).put("clients", 1).put("changes", 30_000).put("drain_seconds_after_run", 3.0)
                .put("undelivered_a_minute_after_run", 0);
        result.putObject("deep_backlog").put("messages", 10_000_000).put("heap_used_after_gc_mb", 300).put("receive_p99_ms", 3)
                .put("receive_p99_empty_ms", 2).put("log_bytes_with_backlog", 4_000_000_000L).put("log_bytes_after_consumed", 100_000_000L);

        String markdown = Report.markdown(result, false, "## Analysis\n\nwhy");

        assertThat(markdown)
                .contains("| Capture ≥ 50% of the raw slot drain (100-row transactions, 200 B rows) | 70% | met |")
                .contains("| Push end to end ≥ 1.5× Debezium embedded on every workload | lowest 1.20× | **missed** |")
                .contains("| Commit → webhook p99 ≤ 100 ms at 5,000 changes/s | 80 ms | met |")
                .contains("| Commit → webhook p50 ≤ 30 ms at 1,000 changes/s | 25 ms | met |")
                .contains("| Pull receive+ack ≥ 30,000 messages/s, 4 receivers, batches of 100 | 25,000/s | **missed** |")
                .contains("| Fan-out: ten consumers capture ≥ 1/3 of the one-consumer rate | 0.40 | met |")
                .contains("| Heap after GC ≤ 256 MB with a backlog of 10 million | 300 MB at 10,000,000 messages | **missed** |")
                .contains("| Receive p99 with that backlog within 2× of an empty stream | 1.50× | met |")
                .contains("| The disk the consumed messages used given back without VACUUM FULL | 95 MB left of 3,815 MB | met |")
                .contains("| pgbench TPC-B (4 clients), default push consumer: drained within 5 s of the end of the run | 7.5 s | **missed** |")
                .contains("| pgbench TPC-B (1 client), default push consumer: drained within 5 s of the end of the run | 3.0 s | met |")
                .contains("| Backfill ≥ 30,000 rows/s (1 million rows) | 31,000 rows/s | met |")
                .contains("| insert, 100-row transactions, 200 B rows | 50,000 | 70,000 | 49,000 | 70% |")
                .contains("Postgres 14.22 (embedded)")
                .endsWith("## Analysis\n\nwhy\n");
    }
}
