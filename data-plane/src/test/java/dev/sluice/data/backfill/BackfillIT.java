package dev.sluice.data.backfill;

import dev.sluice.core.filter.Filter;
import dev.sluice.core.filter.FilterException;
import dev.sluice.data.DataPlane;
import dev.sluice.data.ExtractionHarness;
import dev.sluice.data.ExtractionHarness.StreamedMessage;
import dev.sluice.data.extract.CrashPoints;
import dev.sluice.source.SourceAdmin;
import dev.sluice.store.consumer.StartPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.sluice.data.ExtractionHarness.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Backfills merge with the live stream by watermarks: under concurrent inserts, updates and deletes every key
 * ends in the consumer's stream at the table's final state, nothing lost and nothing stale.
 */
class BackfillIT
{
    private static final List<String> ACTIONS = List.of("insert", "update", "delete");
    private static final StartPosition BEGINNING = new StartPosition(StartPosition.At.BEGINNING, null, null);

    private ExtractionHarness harness;
    private String source;

    @BeforeEach
    void start()
    {
        harness = new ExtractionHarness(Map.of());
        source = harness.createSource("backfill");
    }

    @AfterEach
    void stop()
    {
        harness.close();
    }

    @Test
    void aBackfillUnderConcurrentWritesEndsWithEveryKeyAtItsFinalState()
            throws Exception
    {
        harness.sourceSql("create table items (id text primary key, n int not null, label text)");
        harness.sourceSql("insert into items select 'k' || g, 0, 'initial' from generate_series(1, 3000) g");
        String consumer = harness.createConsumer(source, "items", table("items"), ACTIONS, Optional.empty());
        String backfill = harness.createBackfill(consumer, BEGINNING, Optional.empty());
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            int next = 3001;
            while (writing.get()) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                int key = random.nextInt(1, next);
                switch (random.nextInt(3)) {
                    case 0 -> harness.sourceSql("insert into items values ('k" + next++ + "', 0, 'new') on conflict do nothing");
                    case 1 -> harness.sourceSql("update items set n = n + 1, label = 'updated' where id = 'k" + key + "'");
                    default -> harness.sourceSql("delete from items where id = 'k" + key + "'");
                }
            }
        });
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE);
        writer.start();
        await().atMost(Duration.ofMinutes(2)).until(() -> harness.backfillState(backfill).startsWith("completed"));
        writing.set(false);
        writer.join();
        String marker = "k-marker";
        harness.sourceSql("insert into items values ('" + marker + "', 0, 'last')");
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.messages(consumer).stream().anyMatch(message -> message.record().path("id").asText().equals(marker)));

        Map<String, String> finalTable = finalTable();
        Map<String, StreamedMessage> lastPerKey = new HashMap<>();
        for (StreamedMessage message : harness.messages(consumer)) {
            lastPerKey.put(message.group(), message);
        }
        assertThat(harness.messages(consumer).stream().filter(message -> message.action().equals("read")).count()).as("reads happened").isGreaterThan(1000);
        for (Map.Entry<String, String> row : finalTable.entrySet()) {
            StreamedMessage last = lastPerKey.get("[\"" + row.getKey() + "\"]");
            assertThat(last).as("key %s reached the stream", row.getKey()).isNotNull();
            assertThat(last.action()).as("key %s", row.getKey()).isNotEqualTo("delete");
            assertThat(last.record().path("n").asInt() + ":" + last.record().path("label").asText()).as("key %s is at its final state", row.getKey()).isEqualTo(row.getValue());
        }
        List<String> lingering = lastPerKey.entrySet().stream()
                .filter(entry -> !entry.getValue().action().equals("delete"))
                .map(entry -> entry.getValue().record().path("id").asText())
                .filter(id -> !finalTable.containsKey(id))
                .collect(Collectors.toList());
        assertThat(lingering).as("keys deleted from the table end with a delete").isEmpty();
    }

    @Test
    void aDeleteStreamedBeforeOtherSessionsSeeItIsNotFollowedByARead()
            throws Exception
    {
        harness.sourceSql("create table accounts (id int primary key, owner text)");
        harness.sourceSql("insert into accounts select g, 'owner ' || g from generate_series(1, 10) g");
        String consumer = harness.createConsumer(source, "accounts", table("accounts"), ACTIONS, Optional.empty());
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE);
        // a commit waiting for a synchronous standby that never answers is in the WAL, so streamed, yet no other
        // snapshot sees it: the moment between a commit's WAL record and its visibility, held open
        harness.sourceSql("alter system set synchronous_standby_names = 'absent_standby'");
        harness.sourceSql("alter system set synchronous_commit = 'local'");
        harness.sourceSql("select pg_reload_conf()");
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.sourceLong("select count(*) from pg_settings where name = 'synchronous_standby_names' and setting = 'absent_standby'") == 1);
        Thread deleting = new Thread(() -> harness.sourceSql("set synchronous_commit = on; delete from accounts where id = 7"));
        deleting.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.messages(consumer).stream().anyMatch(message -> message.action().equals("delete")));
        assertThat(harness.sourceLong("select count(*) from accounts where id = 7")).as("the delete is not yet visible").isEqualTo(1);

        String backfill = harness.createBackfill(consumer, BEGINNING, Optional.empty());
        // the backfill's chunk found a snapshot that does not see the streamed delete yet, and waits to take another
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> ExtractionHarness.threadIn("sluice-extract-" + source, SourceAdmin.class.getName(), "inAcceptableSnapshot", true));
        assertThat(harness.backfillState(backfill)).matches("(pending|running).*");
        harness.sourceLong("select count(pg_cancel_backend(pid)) from pg_stat_activity where wait_event = 'SyncRep'");
        deleting.join(Duration.ofSeconds(30).toMillis());
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.backfillState(backfill).startsWith("completed"));

        List<String> seven = harness.messages(consumer).stream()
                .filter(message -> message.record().path("id").asInt() == 7)
                .map(StreamedMessage::action)
                .toList();
        assertThat(seven).as("row 7 ends deleted: its delete is not followed by a read of its old version").containsExactly("delete");
        assertThat(harness.messages(consumer).stream().filter(message -> message.action().equals("read")).map(message -> message.record().path("id").asInt()))
                .containsExactly(1, 2, 3, 4, 5, 6, 8, 9, 10);
    }

    @Test
    void aConsumerCanStartAtARowAndReplayOnlyRowsMatchingAFilter()
    {
        harness.sourceSql("create table events (id int primary key, kind text, at int)");
        harness.sourceSql("insert into events select g, case when g % 2 = 0 then 'even' else 'odd' end, g from generate_series(1, 50) g");
        String consumer = harness.createConsumer(source, "events", table("events"), ACTIONS, Optional.empty());
        String fromRow = harness.createBackfill(consumer, new StartPosition(StartPosition.At.ROW, "at", "41"), Optional.empty());
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE);
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.backfillState(fromRow).startsWith("completed"));
        assertThat(harness.messages(consumer)).extracting(message -> message.record().path("id").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(41, 50).boxed().toList());

        String replay = harness.createBackfill(consumer, BEGINNING, Optional.of("kind = 'odd' AND at <= 9"));
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.backfillState(replay).startsWith("completed"));
        assertThat(harness.messages(consumer).stream().skip(10)).extracting(message -> message.action() + " " + message.record().path("id").asInt())
                .containsExactly("read 1", "read 3", "read 5", "read 7", "read 9");
    }

    @Test
    void aPausedBackfillIsNotReadUntilResumedAndUuidKeysWork()
    {
        harness.sourceSql("create table devices (id uuid primary key, name text)");
        harness.sourceSql("insert into devices select md5(g::text)::uuid, 'device ' || g from generate_series(1, 1500) g");
        String consumer = harness.createConsumer(source, "devices", table("devices"), ACTIONS, Optional.empty());
        String backfill = harness.createBackfill(consumer, BEGINNING, Optional.empty());
        harness.store().useHandle(handle -> handle.createUpdate("update backfills set state = 'paused' where id = :id").bind("id", backfill).execute());
        // a backfill of the same source created later: its completion shows the worker has looked for backfills and passed the paused one by
        harness.sourceSql("create table gauges (id int primary key)");
        harness.sourceSql("insert into gauges select g from generate_series(1, 3) g");
        String witness = harness.createConsumer(source, "gauges", table("gauges"), ACTIONS, Optional.empty());
        String later = harness.createBackfill(witness, BEGINNING, Optional.empty());
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE);
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.backfillState(later).startsWith("completed"));
        assertThat(harness.messages(consumer)).isEmpty();
        assertThat(harness.backfillState(backfill)).startsWith("paused");

        harness.store().useHandle(handle -> handle.createUpdate("update backfills set state = 'pending' where id = :id").bind("id", backfill).execute());
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.backfillState(backfill).startsWith("completed:1500"));
        List<String> ids = harness.messages(consumer).stream().map(message -> message.record().path("id").asText()).toList();
        assertThat(ids).hasSize(1500).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void hostileFiltersAreRejectedOrHarmless()
    {
        harness.sourceSql("create table victims (id int primary key, name text)");
        harness.sourceSql("insert into victims values (1, 'a''b'), (2, '--x')");
        String consumer = harness.createConsumer(source, "victims", table("victims"), ACTIONS, Optional.empty());
        for (String hostile : List.of("1=1; DROP TABLE victims", "name = 'x' -- comment", "pg_sleep(10) IS NULL", "name = (select current_user)")) {
            assertThatThrownBy(() -> Filter.parse(hostile)).as(hostile)
                    .isInstanceOf(FilterException.class);
        }
        String quoted = harness.createBackfill(consumer, BEGINNING, Optional.of("name = 'a''b' OR name = '--x'"));
        harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE);
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.backfillState(quoted).startsWith("completed"));
        assertThat(harness.messages(consumer)).extracting(message -> message.record().path("name").asText()).containsExactly("a'b", "--x");
        assertThat(harness.sourceLong("select count(*) from victims")).as("the table is still there").isEqualTo(2);
    }

    @Test
    void aWorkerThatDiesMidBackfillIsFollowedByOneThatResumesFromTheLastChunk()
    {
        harness.sourceSql("create table big (id int primary key, payload text)");
        harness.sourceSql("insert into big select g, repeat('x', 50) from generate_series(1, 20000) g");
        String consumer = harness.createConsumer(source, "big", table("big"), ACTIONS, Optional.empty());
        String backfill = harness.createBackfill(consumer, BEGINNING, Optional.empty());
        DataPlane first = harness.startWorker(Duration.ofSeconds(3), () -> CrashPoints.NONE);
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.messages(consumer).size() >= 3000);
        harness.halt(first);
        assertThat(harness.backfillState(backfill)).startsWith("running");
        harness.startWorker(Duration.ofSeconds(3), () -> CrashPoints.NONE);
        await().atMost(Duration.ofMinutes(2)).until(() -> harness.backfillState(backfill).startsWith("completed"));
        List<Integer> ids = harness.messages(consumer).stream().map(message -> message.record().path("id").asInt()).toList();
        assertThat(ids).as("every row once, in key order").containsExactlyElementsOf(IntStream.rangeClosed(1, 20000).boxed().toList());
    }

    private Map<String, String> finalTable()
            throws Exception
    {
        Map<String, String> rows = new HashMap<>();
        harness.sourceRows("select id, n, label from items", rs -> rows.put(rs.getString(1), rs.getInt(2) + ":" + rs.getString(3)));
        return rows;
    }
}
