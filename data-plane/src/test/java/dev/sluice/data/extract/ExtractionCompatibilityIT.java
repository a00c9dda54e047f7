package dev.sluice.data.extract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.data.DataPlane;
import dev.sluice.data.ExtractionHarness;
import dev.sluice.data.ExtractionHarness.StreamedMessage;
import dev.sluice.data.testing.PostgresVersions;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.sluice.data.ExtractionHarness.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Extraction behaves the same on every Postgres major version Sluice supports: each version gets its own
 * source server and worker, and every kind of change, typed values, schema changes, large transactions
 * and a worker restart arrive in the consumer streams as a user would expect.
 */
@ParameterizedClass(name = "Postgres {0}")
@MethodSource("majorVersions")
class ExtractionCompatibilityIT
{
    private static final List<String> ALL_ACTIONS = List.of("insert", "update", "delete", "truncate");
    private static final Duration LEASE_TTL = Duration.ofSeconds(4);
    /** More changes than Postgres 12 keeps in memory per transaction (4096, fixed) and far more than 64 kB of them. */
    private static final int LARGE_TRANSACTION_ROWS = 5000;

    private static ExtractionHarness harness;
    private static String source;
    private static DataPlane worker;

    private final int major;

    ExtractionCompatibilityIT(int major)
    {
        this.major = major;
    }

    static List<Integer> majorVersions()
    {
        List<Integer> available = PostgresVersions.available();
        // An empty source would pass as "no tests"; say instead that the binaries were not copied.
        assertThat(available).as("Postgres binaries copied by the build").isNotEmpty();
        return available;
    }

    @BeforeParameterizedClassInvocation
    static void start(int major)
            throws IOException
    {
        Map<String, String> config = new HashMap<>(Map.of("max_replication_slots", "10", "max_wal_senders", "10"));
        if (major >= 13) {
            // Postgres 12 has no such setting (and refuses to start with it); it spills after 4096 changes instead.
            config.put("logical_decoding_work_mem", "64kB");
        }
        harness = ExtractionHarness.withSource(PostgresVersions.start(major, config));
        source = harness.createSource("main");
        worker = harness.startWorker(LEASE_TTL, () -> CrashPoints.NONE);
    }

    @AfterParameterizedClassInvocation
    static void stop()
    {
        if (harness != null) {
            harness.close();
        }
        harness = null;
        worker = null;
    }

    @Test
    void insertsUpdatesDeletesAndTruncatesArriveInOrderPerKey()
    {
        harness.sourceSql("create table orders (id bigint primary key, status text, amount numeric(12,2))");
        String consumer = harness.createConsumer(source, "orders", table("orders"), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("insert into orders values (1, 'new', 10.50), (2, 'new', 20)");
        harness.sourceSql("update orders set status = 'paid' where id = 1");
        harness.sourceSql("delete from orders where id = 2");
        harness.sourceSql("truncate orders");

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 5);
        assertThat(messages).extracting(message -> message.action() + " " + message.group())
                .containsExactly("insert [1]", "insert [2]", "update [1]", "delete [2]", "truncate [\"truncate\"]");
        assertThat(messages.get(0).record().toString()).isEqualTo("{\"id\":1,\"status\":\"new\",\"amount\":10.50}");
        assertThat(messages.get(2).record().toString()).isEqualTo("{\"id\":1,\"status\":\"paid\",\"amount\":10.50}");
        assertThat(messages.get(2).changes()).as("no old values without REPLICA IDENTITY FULL").isEmpty();
        assertThat(messages.get(3).record().toString()).as("a delete carries the old key").isEqualTo("{\"id\":2}");
    }

    @Test
    void aBackfillWithACompositeKeyMergesWithConcurrentChanges()
    {
        // Postgres 14+ carries the watermarks as logical messages, 12 and 13 as rows of a watermark table
        harness.sourceSql("create table stock (warehouse text, sku int, qty int, primary key (warehouse, sku))");
        harness.sourceSql("insert into stock select 'w' || (g % 3), g, g from generate_series(1, 2500) g");
        String consumer = harness.createConsumer(source, "stock", table("stock"), ALL_ACTIONS, Optional.empty());
        String backfill = harness.createBackfill(consumer, new StartPosition(StartPosition.At.BEGINNING, null, null),
                Optional.empty());
        harness.sourceSql("update stock set qty = -1 where sku = 2500");
        await().atMost(Duration.ofSeconds(90)).until(() -> harness.backfillState(backfill).startsWith("completed"));
        harness.sourceSql("update stock set qty = -2 where sku = 1");
        // 2,502 messages, or 2,501 when the first update fell inside the chunk's window (its row's read is then left out)
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.messages(consumer).stream()
                .anyMatch(message -> message.action().equals("update") && message.group().equals("[\"w1\",1]")));
        List<StreamedMessage> messages = harness.messages(consumer);
        Map<String, StreamedMessage> last = new HashMap<>();
        messages.forEach(message -> last.put(message.group(), message));
        assertThat(last).hasSize(2500);
        assertThat(last.get("[\"w1\",1]").record().path("qty").asInt()).isEqualTo(-2);
        assertThat(last.get("[\"w1\",2500]").record().path("qty").asInt()).isEqualTo(-1);
        long reads = messages.stream().filter(message -> message.action().equals("read")).count();
        assertThat(reads).isBetween(2499L, 2500L);
        assertThat(messages).as("every read and both updates, nothing twice").hasSize((int) reads + 2);
    }

    @Test
    void storedGeneratedColumnsArriveFromPostgres18AndArrayValuesAreJsonArrays()
    {
        harness.sourceSql("create table priced_lines (id int primary key, net numeric, gross numeric generated always as (net * 2) stored, tags text[])");
        String consumer = harness.createConsumer(source, "priced-lines", table("priced_lines"), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("insert into priced_lines (id, net, tags) values (1, 10.5, '{a,NULL,\"b c\"}')");

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 1);
        String expected = major >= 18
                ? "{\"id\":1,\"net\":10.5,\"gross\":21.0,\"tags\":[\"a\",null,\"b c\"]}"
                : "{\"id\":1,\"net\":10.5,\"tags\":[\"a\",null,\"b c\"]}";
        assertThat(messages.get(0).record().toString()).as("generated columns are sent from Postgres 18").isEqualTo(expected);
    }

    @Test
    void aPrimaryKeyChangeEndsTheOldKeyWhoseRowMatchedTheFilter()
    {
        harness.sourceSql("create table payments (id int primary key, status text); alter table payments replica identity full");
        String consumer = harness.createConsumer(source, "paid-payments", table("payments"), ALL_ACTIONS, Optional.of("status = 'paid' AND length(status) = 4"));
        harness.sourceSql("insert into payments values (105, 'paid'), (106, 'new')");
        harness.sourceSql("update payments set id = 1105, status = 'void' where id = 105");
        harness.sourceSql("insert into payments values (107, 'paid')");

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 3);
        assertThat(messages).extracting(StreamedMessage::action, StreamedMessage::group).containsExactly(
                Tuple.tuple("insert", "[105]"),
                Tuple.tuple("delete", "[105]"),
                Tuple.tuple("insert", "[107]"));
    }

    @Test
    void aPrimaryKeyChangeWithTheDefaultReplicaIdentityDeletesTheOldKeyWithoutInventingValues()
    {
        harness.sourceSql("create table tickets (id int primary key, status text, note text)");
        String consumer = harness.createConsumer(source, "tickets", table("tickets"), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("insert into tickets values (3, 'open', 'x')");
        harness.sourceSql("update tickets set id = 4 where id = 3");

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 3);
        assertThat(messages).extracting(StreamedMessage::action).containsExactly("insert", "delete", "update");
        assertThat(messages.get(1).record().toString()).as("the old key only: the other columns are unknown, not NULL").isEqualTo("{\"id\":3}");
        assertThat(messages.get(1).unchangedColumns()).hasValueSatisfying(columns -> assertThat(columns.toString()).isEqualTo("[\"status\",\"note\"]"));
        assertThat(messages.get(2).record().toString()).isEqualTo("{\"id\":4,\"status\":\"open\",\"note\":\"x\"}");
    }

    @Test
    void replicaIdentityFullGivesTheOldValuesOfChangedColumns()
    {
        harness.sourceSql("create table accounts (id int primary key, owner text, balance bigint, note text); alter table accounts replica identity full");
        String consumer = harness.createConsumer(source, "accounts", table("accounts"), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("insert into accounts values (7, 'ann', 100, 'x')");
        harness.sourceSql("update accounts set balance = 150, note = null where id = 7");
        harness.sourceSql("delete from accounts where id = 7");

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 3);
        assertThat(messages).extracting(StreamedMessage::action).containsExactly("insert", "update", "delete");
        assertThat(messages.get(1).record().toString()).isEqualTo("{\"id\":7,\"owner\":\"ann\",\"balance\":150,\"note\":null}");
        assertThat(messages.get(1).changes()).hasValueSatisfying(changes -> assertThat(changes.toString()).isEqualTo("{\"balance\":100,\"note\":\"x\"}"));
        assertThat(messages.get(2).record().toString()).as("the whole old row").isEqualTo("{\"id\":7,\"owner\":\"ann\",\"balance\":150,\"note\":null}");
    }

    @Test
    void aTransactionOverSeveralTablesArrivesAsOneInItsOrder()
    {
        harness.sourceSql("create table carts (id int primary key, owner text)");
        harness.sourceSql("create table cart_lines (id int primary key, cart_id int, sku text)");
        String consumer = harness.createConsumer(source, "carts", List.of(new TableSelection("public", "carts", List.of()),
                new TableSelection("public", "cart_lines", List.of())), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("""
                begin;
                insert into carts values (1, 'ann');
                insert into cart_lines values (10, 1, 'A-1'), (11, 1, 'B-2');
                update carts set owner = 'bob' where id = 1;
                delete from cart_lines where id = 10;
                commit;
                """);

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 5);
        assertThat(messages).extracting(message -> message.table() + " " + message.action() + " " + message.group())
                .containsExactly("carts insert [1]", "cart_lines insert [10]", "cart_lines insert [11]", "carts update [1]", "cart_lines delete [10]");
        assertThat(messages).extracting(StreamedMessage::commitLsn).as("one transaction").containsOnly(messages.get(0).commitLsn());
        assertThat(messages).extracting(StreamedMessage::changeIndex).as("positions in the transaction").isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aTransactionLargerThanDecodingMemoryIsStoredWholeAndOnce()
    {
        if (major >= 13) {
            assertThat(harness.sourceLong("select setting::bigint from pg_settings where name = 'logical_decoding_work_mem'")).as("kB").isEqualTo(64);
        }
        else {
            assertThat(harness.sourceLong("select count(*) from pg_settings where name = 'logical_decoding_work_mem'")).isZero();
        }
        harness.sourceSql("create table events (id int primary key, payload text)");
        String consumer = harness.createConsumer(source, "events", table("events"), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("insert into events select g, repeat('x', 100) || g from generate_series(1, " + LARGE_TRANSACTION_ROWS + ") g");

        List<StreamedMessage> messages = harness.awaitMessages(consumer, LARGE_TRANSACTION_ROWS);
        assertThat(messages).hasSize(LARGE_TRANSACTION_ROWS);
        assertThat(messages).extracting(message -> message.record().path("id").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, LARGE_TRANSACTION_ROWS).boxed().toList());
        assertThat(messages.get(LARGE_TRANSACTION_ROWS - 1).record().path("payload").asText()).isEqualTo("x".repeat(100) + LARGE_TRANSACTION_ROWS);
        assertThat(messages).extracting(StreamedMessage::commitLsn).as("one transaction").containsOnly(messages.get(0).commitLsn());
        if (major >= 14) {
            // the server really decoded it from disk (pg_stat_replication_slots arrived in 14)
            await().atMost(Duration.ofSeconds(10)).until(() -> harness.sourceLong(
                    "select coalesce(sum(spill_txns), 0) from pg_stat_replication_slots where slot_name = 'slot_main'") > 0);
        }
    }

    @Test
    void anUnchangedToastValueIsMarkedOrFilledFromTheOldRow()
    {
        harness.sourceSql("create table docs (id int primary key, title text, body text)");
        harness.sourceSql("create table docs_full (id int primary key, title text, body text); alter table docs_full replica identity full");
        String consumer = harness.createConsumer(source, "docs", List.of(new TableSelection("public", "docs", List.of()),
                new TableSelection("public", "docs_full", List.of())), ALL_ACTIONS, Optional.empty());
        String big = "(select string_agg(md5(g::text), '') from generate_series(1, 1000) g)";
        harness.sourceSql("insert into docs values (1, 'a', " + big + "); insert into docs_full values (1, 'a', " + big + ")");
        harness.sourceSql("update docs set title = 'b'; update docs_full set title = 'b'");

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 4);
        assertThat(messages).extracting(message -> message.table() + " " + message.action())
                .containsExactly("docs insert", "docs_full insert", "docs update", "docs_full update");
        assertThat(messages.get(0).record().path("body").asText()).hasSize(32000);
        StreamedMessage docsUpdate = messages.get(2);
        assertThat(docsUpdate.record().toString()).isEqualTo("{\"id\":1,\"title\":\"b\"}");
        assertThat(docsUpdate.unchangedColumns()).hasValueSatisfying(columns -> assertThat(columns.toString()).isEqualTo("[\"body\"]"));
        StreamedMessage fullUpdate = messages.get(3);
        assertThat(fullUpdate.record().path("title").asText()).isEqualTo("b");
        assertThat(fullUpdate.record().path("body").asText()).isEqualTo(messages.get(1).record().path("body").asText());
        assertThat(fullUpdate.unchangedColumns()).isEmpty();
    }

    @Test
    void messagesAfterAnAddColumnCarryTheNewShape()
    {
        harness.sourceSql("create table people (id int primary key, name text)");
        String consumer = harness.createConsumer(source, "people", table("people"), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("insert into people values (1, 'ann')");
        harness.sourceSql("alter table people add column email text not null default 'unknown'");
        harness.sourceSql("insert into people values (2, 'bob', 'bob@example.com')");
        harness.sourceSql("update people set name = 'ann b' where id = 1");

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 3);
        assertThat(messages).extracting(message -> message.record().toString()).containsExactly(
                "{\"id\":1,\"name\":\"ann\"}",
                "{\"id\":2,\"name\":\"bob\",\"email\":\"bob@example.com\"}",
                "{\"id\":1,\"name\":\"ann b\",\"email\":\"unknown\"}");
    }

    @Test
    void typedValuesArriveExactly()
    {
        harness.sourceSql("""
                create table typed (id int primary key, exact numeric, doc jsonb, tags text[], numbers int[], at timestamptz, raw bytea, uid uuid,
                                    label text, nothing text)
                """);
        String consumer = harness.createConsumer(source, "typed", table("typed"), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("""
                insert into typed values (1, 12345678901234567890.000000000001, '{"a": [1, 2, {"b": null}], "n": 1.10}', '{"a b", "c\\"d", null}',
                                          '{1, 2, 3}', '2024-01-02 03:04:05.123456+00', '\\x0102ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
                                          'Grüße, 東京 🚀', null)
                """);

        JsonNode record = harness.awaitMessages(consumer, 1).get(0).record();
        assertThat(record.path("exact").toString()).as("every digit").isEqualTo("12345678901234567890.000000000001");
        assertThat(record.path("doc").toString()).isEqualTo("{\"a\":[1,2,{\"b\":null}],\"n\":1.10}");
        assertThat(record.path("tags").toString()).isEqualTo("[\"a b\",\"c\\\"d\",null]");
        assertThat(record.path("numbers").toString()).isEqualTo("[1,2,3]");
        assertThat(record.path("at").asText()).isEqualTo("2024-01-02T03:04:05.123456Z");
        assertThat(record.path("raw").asText()).isEqualTo("AQL/");
        assertThat(record.path("uid").asText()).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(record.path("label").asText()).isEqualTo("Grüße, 東京 🚀");
        assertThat(record.has("nothing")).isTrue();
        assertThat(record.path("nothing").isNull()).isTrue();
    }

    @Test
    void aPrimaryKeyChangeEndsTheOldKeyAndStartsTheNewOne()
    {
        harness.sourceSql("create table skus (code text primary key, name text)");
        String consumer = harness.createConsumer(source, "skus", table("skus"), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("insert into skus values ('A-1', 'widget')");
        harness.sourceSql("update skus set code = 'B-2' where code = 'A-1'");

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 3);
        assertThat(messages).extracting(message -> message.action() + " " + message.group())
                .containsExactly("insert [\"A-1\"]", "delete [\"A-1\"]", "update [\"B-2\"]");
        assertThat(messages.get(2).record().toString()).isEqualTo("{\"code\":\"B-2\",\"name\":\"widget\"}");
    }

    @Test
    void aFilterChoosesWhichChangesAConsumerGets()
    {
        harness.sourceSql("create table invoices (id int primary key, status text, total numeric)");
        String paid = harness.createConsumer(source, "paid", table("invoices"), List.of("insert", "update"),
                Optional.of("status = 'paid' AND total >= 100"));
        harness.sourceSql("insert into invoices values (1, 'paid', 150), (2, 'paid', 50), (3, 'open', 500)");
        harness.sourceSql("update invoices set status = 'paid' where id = 3");
        harness.sourceSql("delete from invoices where id = 1");
        // a marker the filter lets through, committed last: once it is stored, everything before it was routed
        harness.sourceSql("insert into invoices values (4, 'paid', 100)");

        List<StreamedMessage> messages = harness.awaitMessages(paid, 3);
        assertThat(messages).extracting(message -> message.action() + " " + message.record().path("id").asInt())
                .containsExactly("insert 1", "update 3", "insert 4");
    }

    @Test
    void aNewWorkerResumesAfterTheCheckpointAndStoresEveryChangeOnce()
    {
        String restartSource = harness.createSource("restart");
        harness.sourceSql("create table items (id int primary key, label text)");
        String consumer = harness.createConsumer(restartSource, "items", table("items"), ALL_ACTIONS, Optional.empty());
        harness.sourceSql("insert into items values (1, 'one'), (2, 'two')");
        harness.sourceSql("update items set label = 'uno' where id = 1");
        harness.awaitMessages(consumer, 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> changesRead(restartSource) == 3);

        worker.close();
        harness.sourceSql("insert into items values (3, 'three')");
        harness.sourceSql("update items set label = 'dos' where id = 2");
        harness.sourceSql("begin; delete from items where id = 1; insert into items values (4, 'four'); commit");
        worker = harness.startWorker(LEASE_TTL, () -> CrashPoints.NONE);

        List<StreamedMessage> messages = harness.awaitMessages(consumer, 7);
        await().atMost(Duration.ofSeconds(10)).until(() -> changesRead(restartSource) == 7);
        // a change committed later is stored after anything the new worker could still store twice: once it is there, nothing more comes
        harness.sourceSql("insert into items values (5, 'five')");
        await().atMost(Duration.ofSeconds(10)).until(() -> changesRead(restartSource) == 8);
        assertThat(harness.messages(consumer)).hasSize(8).last().extracting(message -> message.action() + " " + message.group()).isEqualTo("insert [5]");
        assertThat(messages).extracting(message -> message.action() + " " + message.group())
                .containsExactly("insert [1]", "insert [2]", "update [1]", "insert [3]", "update [2]", "delete [1]", "insert [4]");
        Map<String, Long> perChange = messages.stream()
                .collect(Collectors.groupingBy(message -> message.commitLsn() + "/" + message.changeIndex(), Collectors.counting()));
        assertThat(perChange).hasSize(7).allSatisfy((change, count) -> assertThat(count).as(change).isEqualTo(1));
        assertThat(changesRead(restartSource)).as("changes read from the source: one read twice would count twice").isEqualTo(8);
    }

    private static long changesRead(String sourceId)
    {
        return harness.store().withHandle(handle -> handle.createQuery("select coalesce(max(changes_read), 0) from source_state where source_id = :id")
                .bind("id", sourceId).mapTo(Long.class).one());
    }
}
