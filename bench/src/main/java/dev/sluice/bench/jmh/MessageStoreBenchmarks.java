package dev.sluice.bench.jmh;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.EmbeddedMetadataPostgres;
import dev.sluice.store.Store;
import dev.sluice.stream.DeliveryCounters;
import dev.sluice.stream.NewMessage;
import dev.sluice.stream.StreamAppender;
import org.jdbi.v3.core.Handle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Message-store writes: one extraction batch appended to a consumer's stream in its own transaction (messages,
 * group heads, per-minute counts, the wake-up notification), against a real embedded Postgres. Scores are
 * messages per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class MessageStoreBenchmarks
{
    private static final ConsumerId CONSUMER = new ConsumerId("con_00000000000000000000000b0b");
    private static final SourceId SOURCE = new SourceId("src_00000000000000000000000b0b");

    private static final int BATCH = 500;

    @Param({"200", "1600"})
    public int recordBytes;

    private EmbeddedMetadataPostgres postgres;
    private Handle handle;
    private Store store;
    private long lsn;
    private String record;

    @Setup(Level.Trial)
    public void start()
            throws IOException
    {
        Path directory = Files.createTempDirectory("sluice-jmh");
        postgres = EmbeddedMetadataPostgres.start(directory.resolve("postgres"), 0);
        Store.migrate(postgres.dataSource("postgres"));
        handle = new Store(postgres.dataSource("postgres")).jdbi().open();
        // the consumer row and its account and source are not what is measured
        handle.execute("set session_replication_role = replica");
        handle.execute("""
                insert into consumers (account_id, id, name, source_id, kind, tables, actions, batch_size, visibility_timeout_seconds, max_ack_pending,
                                       max_deliver, start_position, status)
                values ('acc_bench', 'con_00000000000000000000000b0b', 'bench', 'src_00000000000000000000000b0b', 'pull', '[]', '{insert}', 1, 30, 1000, 10, '{}', 'active')
                """);
        handle.execute("insert into source_state (source_id) values ('src_00000000000000000000000b0b')");
        store = new Store(postgres.dataSource("postgres"));
        record = "{\"id\": 1, \"string_field\": \"row\", \"json_field\": {\"padding\": \"" + "x".repeat(Math.max(0, recordBytes - 60)) + "\"}}";
    }

    @TearDown(Level.Trial)
    public void stop()
    {
        handle.close();
        postgres.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int appendBatch()
    {
        List<NewMessage> messages = new ArrayList<>(BATCH);
        long commitLsn = ++lsn;
        Instant now = Instant.now();
        for (int i = 0; i < BATCH; i++) {
            messages.add(new NewMessage(CONSUMER, "[" + (commitLsn * BATCH + i) + "]", "insert", "public", "bench_records", record,
                    Optional.empty(), Optional.empty(), commitLsn, now, i));
        }
        StreamAppender.Appended appended = handle.inTransaction(transaction -> StreamAppender.append(transaction, SOURCE, messages, DeliveryCounters.of(store)));
        return (int) appended.total();
    }
}
