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
        result.putObject("memory").put("heap_used_after_gc_mb", 300).put("backlog_messages", 1_000_000);

        String markdown = Report.markdown(result, false, "## Analysis\n\nwhy");

        assertThat(markdown)
                .contains("| Capture ≥ 60% of the raw slot drain (100-row transactions, 200 B rows) | 70% | met |")
                .contains("| Push end to end ≥ 1.5× Debezium embedded | 1.20× | **missed** |")
                .contains("| Commit → webhook p99 ≤ 100 ms at 5,000 changes/s | 80 ms | met |")
                .contains("| Pull receive+ack ≥ 20,000 messages/s, batches of 100 | 25,000/s | met |")
                .contains("| Heap under 256 MB with a large backlog | 300 MB at 1,000,000 messages | **missed** |")
                .contains("| insert, 100-row transactions, 200 B rows | 50,000 | 70,000 | 49,000 | 70% |")
                .contains("Postgres 14.22 (embedded)")
                .endsWith("## Analysis\n\nwhy\n");
    }
}
