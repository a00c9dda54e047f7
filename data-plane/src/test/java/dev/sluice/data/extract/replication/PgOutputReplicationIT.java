package dev.sluice.data.extract.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Lsn;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.data.extract.pgoutput.ColumnValue;
import dev.sluice.data.extract.pgoutput.JsonRow;
import dev.sluice.data.extract.pgoutput.OldTupleKind;
import dev.sluice.data.extract.pgoutput.PgOutputMessage;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Delete;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Insert;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.LogicalMessage;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Relation;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.StreamCommit;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.StreamStart;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Truncate;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Update;
import dev.sluice.data.extract.pgoutput.RelationColumn;
import dev.sluice.data.extract.pgoutput.TupleConverter;
import dev.sluice.data.extract.pgoutput.TupleData;
import dev.sluice.data.extract.pgoutput.TypeOids;
import dev.sluice.data.extract.pgoutput.ValueConverter;
import dev.sluice.data.extract.replication.ChangeCapture.Received;
import dev.sluice.data.extract.replication.ChangeCapture.Transaction;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The decoder, the value conversion and the replication wrapper against a real Postgres with
 * {@code wal_level = logical}. Each test works in its own schema with its own publication and
 * slot.
 */
class PgOutputReplicationIT
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper MAPPER = ValueConverter.newObjectMapper();
    private static final TupleConverter CONVERTER = new TupleConverter(new ValueConverter());
    private static final String EVERY_TYPE_COLUMNS = """
            id bigint PRIMARY KEY,
            small_value smallint, int_value integer, big_value bigint, oid_value oid,
            numeric_value numeric, real_value real, double_value double precision, bool_value boolean,
            json_value json, jsonb_value jsonb,
            int_array integer[], bigint_array bigint[], text_array text[], varchar_array varchar[],
            numeric_array numeric[], bool_array boolean[], uuid_array uuid[], jsonb_array jsonb[],
            double_array double precision[], int_matrix integer[][],
            timestamptz_value timestamptz, timestamp_value timestamp, date_value date, time_value time, timetz_value timetz,
            bytea_value bytea, uuid_value uuid, text_value text, varchar_value varchar(40), char_value char(5),
            enum_value mood, inet_value inet, numeric_nan numeric, double_infinity double precision, null_value text
            """;

    private static EmbeddedPostgres postgres;
    private static String jdbcUrl;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private String schema;
    private String slotName;
    private String publicationName;

    @BeforeAll
    static void startPostgres()
            throws IOException
    {
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                // The smallest allowed, so that a modest transaction is streamed before it commits.
                .setServerConfig("logical_decoding_work_mem", "64kB")
                .start();
        jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
    }

    @AfterAll
    static void stopPostgres()
            throws IOException
    {
        postgres.close();
    }

    @BeforeEach
    void names(TestInfo testInfo)
    {
        String name = testInfo.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
        schema = "s_" + name;
        slotName = "slot_" + name;
        publicationName = "publication_" + name;
    }

    @AfterEach
    void cleanUp()
            throws Exception
    {
        closeAll();
        waitUntilSlotIsInactive();
        try (ReplicationConnection connection = ReplicationConnection.open(jdbcUrl, "postgres", "")) {
            connection.dropSlotIfExists(slotName);
        }
        execute("DROP PUBLICATION IF EXISTS " + publicationName, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Test
    void convertsEveryColumnType()
            throws Exception
    {
        createEveryTypeTable("everything");
        ChangeCapture capture = startCapture(List.of("everything"));

        execute("""
                INSERT INTO everything VALUES (
                    1, -32768, 2147483647, 9223372036854775807, 4294967295,
                    -1234567890123456789012345678901234567890.0123456789, 1.1, 0.1, true,
                    '{"b": 1, "a": [1, 2.50]}', '{"nested": {"x": [true, null]}, "n": 1.50}',
                    '{1,2,NULL}', '{9223372036854775807}', ARRAY['a b', 'c"d', 'back\\slash', NULL, 'NULL', 'żółć'], '{x,""}',
                    '{1.10,NaN}', '{t,f}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', ARRAY['{"a": 1}'::jsonb, '[1, 2]'],
                    '{1.5,-Infinity}', '{{1,2},{3,4}}',
                    '2024-01-02 03:04:05.123456+00', '2024-01-02 03:04:05.5', '2024-01-02', '03:04:05', '03:04:05+02',
                    '\\x0102ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'żółć "quoted" \\ 日本語 🙂', 'varchar', 'ab',
                    'happy', '192.168.0.1/24', 'NaN', 'Infinity', NULL)
                """);
        Transaction transaction = capture.nextTransaction();

        assertThat(transaction.changes()).hasSize(1);
        Received received = transaction.changes().get(0);
        Relation relation = received.relation().orElseThrow();
        Insert insert = (Insert) received.message();
        assertThat(relation.schema()).isEqualTo(schema);
        assertThat(relation.table()).isEqualTo("everything");
        assertThat(relation.replicaIdentity()).isEqualTo('d');
        assertThat(relation.keyColumns()).extracting(RelationColumn::name).containsExactly("id");
        int enumType = relation.column("enum_value").orElseThrow().typeOid();
        // Types that are not built in are announced by name before the relation that uses them.
        assertThat(capture.relations().type(enumType)).hasValueSatisfying(type -> {
            assertThat(type.schema()).isEqualTo(schema);
            assertThat(type.name()).isEqualTo("mood");
        });
        JsonRow row = CONVERTER.toJson(relation, insert.newTuple());
        assertThat(row.isComplete()).isTrue();
        assertThat(MAPPER.writeValueAsString(row.values())).isEqualTo("{"
                + "\"id\":1,"
                + "\"small_value\":-32768,\"int_value\":2147483647,\"big_value\":9223372036854775807,\"oid_value\":4294967295,"
                + "\"numeric_value\":-1234567890123456789012345678901234567890.0123456789,\"real_value\":1.1,\"double_value\":0.1,\"bool_value\":true,"
                + "\"json_value\":{\"b\":1,\"a\":[1,2.50]},\"jsonb_value\":{\"n\":1.50,\"nested\":{\"x\":[true,null]}},"
                + "\"int_array\":[1,2,null],\"bigint_array\":[9223372036854775807],"
                + "\"text_array\":[\"a b\",\"c\\\"d\",\"back\\\\slash\",null,\"NULL\",\"żółć\"],\"varchar_array\":[\"x\",\"\"],"
                + "\"numeric_array\":[1.10,\"NaN\"],\"bool_array\":[true,false],\"uuid_array\":[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"],"
                + "\"jsonb_array\":[{\"a\":1},[1,2]],\"double_array\":[1.5,\"-Infinity\"],\"int_matrix\":[[1,2],[3,4]],"
                + "\"timestamptz_value\":\"2024-01-02T03:04:05.123456Z\",\"timestamp_value\":\"2024-01-02T03:04:05.5\",\"date_value\":\"2024-01-02\","
                + "\"time_value\":\"03:04:05\",\"timetz_value\":\"03:04:05+02\","
                + "\"bytea_value\":\"AQL/\",\"uuid_value\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\","
                + "\"text_value\":\"żółć \\\"quoted\\\" \\\\ 日本語 🙂\",\"varchar_value\":\"varchar\",\"char_value\":\"ab   \","
                + "\"enum_value\":\"happy\",\"inet_value\":\"192.168.0.1/24\",\"numeric_nan\":\"NaN\",\"double_infinity\":\"Infinity\",\"null_value\":null"
                + "}");

        Map<String, Object> javaRow = CONVERTER.toJava(relation, insert.newTuple());
        assertThat(javaRow.get("big_value")).isEqualTo(Long.MAX_VALUE);
        assertThat(javaRow.get("numeric_value")).isEqualTo(new BigDecimal("-1234567890123456789012345678901234567890.0123456789"));
        assertThat(javaRow.get("double_value")).isEqualTo(0.1d);
        assertThat(javaRow.get("bool_value")).isEqualTo(true);
        assertThat(javaRow.get("jsonb_value")).isInstanceOf(JsonNode.class);
        assertThat(javaRow.get("timestamptz_value")).isEqualTo(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.UTC));
        assertThat(javaRow.get("date_value")).isEqualTo(LocalDate.of(2024, 1, 2));
        assertThat(javaRow.get("enum_value")).isEqualTo("happy");
        assertThat(javaRow).containsEntry("null_value", null);
    }

    @Test
    void decodesUpdatesAndDeletesByReplicaIdentity()
            throws Exception
    {
        createEveryTypeTable("keyed");
        execute("CREATE TABLE audit (id integer PRIMARY KEY, body text, note text)", "ALTER TABLE audit REPLICA IDENTITY FULL");
        ChangeCapture capture = startCapture(List.of("keyed", "audit"));
        String bigText = randomText(20_000);

        execute("INSERT INTO keyed (id, text_value, small_value) VALUES (1, 'first', 1)");
        execute("UPDATE keyed SET text_value = 'changed' WHERE id = 1");
        execute("UPDATE keyed SET id = 2 WHERE id = 1");
        execute("DELETE FROM keyed WHERE id = 2");

        assertThat(capture.nextTransaction().changeMessages()).singleElement().isInstanceOf(Insert.class);
        Received plainUpdate = capture.nextTransaction().changes().get(0);
        Update update = (Update) plainUpdate.message();
        assertThat(update.oldTupleKind()).isEmpty();
        assertThat(update.oldTuple()).isEmpty();
        assertThat(CONVERTER.newRowToJson(plainUpdate.relation().orElseThrow(), update).values().get("text_value").asText()).isEqualTo("changed");
        assertThat(CONVERTER.changes(plainUpdate.relation().orElseThrow(), update)).isEmpty();

        Received keyUpdate = capture.nextTransaction().changes().get(0);
        Update keyChange = (Update) keyUpdate.message();
        assertThat(keyChange.oldTupleKind()).contains(OldTupleKind.KEY);
        assertThat(CONVERTER.changes(keyUpdate.relation().orElseThrow(), keyChange)).map(Object::toString).contains("{\"id\":1}");
        assertThat(CONVERTER.newRowToJson(keyUpdate.relation().orElseThrow(), keyChange).values().get("id").asLong()).isEqualTo(2);

        Received keyDelete = capture.nextTransaction().changes().get(0);
        Delete delete = (Delete) keyDelete.message();
        assertThat(delete.oldTupleKind()).isEqualTo(OldTupleKind.KEY);
        JsonRow deletedKey = CONVERTER.toJson(keyDelete.relation().orElseThrow(), delete.oldTuple());
        assertThat(deletedKey.values().get("id").asLong()).isEqualTo(2);
        assertThat(deletedKey.values().get("text_value").isNull()).isTrue();

        // Default identity: an update that leaves a TOASTed value alone does not send it.
        execute("INSERT INTO keyed (id, text_value, small_value) VALUES (3, '" + bigText + "', 1)");
        execute("UPDATE keyed SET small_value = 2 WHERE id = 3");
        Received bigInsert = capture.nextTransaction().changes().get(0);
        assertThat(CONVERTER.toJson(bigInsert.relation().orElseThrow(), ((Insert) bigInsert.message()).newTuple()).values().get("text_value").asText())
                .isEqualTo(bigText);
        Received toastUpdate = capture.nextTransaction().changes().get(0);
        Update unchangedToast = (Update) toastUpdate.message();
        assertThat(unchangedToast.oldTuple()).isEmpty();
        JsonRow partialRow = CONVERTER.newRowToJson(toastUpdate.relation().orElseThrow(), unchangedToast);
        assertThat(partialRow.unchangedToastColumns()).containsExactly("text_value");
        assertThat(partialRow.values().get("small_value").asInt()).isEqualTo(2);
        assertThat(partialRow.values().has("text_value")).isFalse();

        // REPLICA IDENTITY FULL: the old row comes whole, TOASTed values included.
        execute("INSERT INTO audit VALUES (1, '" + bigText + "', 'first')");
        execute("UPDATE audit SET note = 'second' WHERE id = 1");
        execute("DELETE FROM audit WHERE id = 1");
        capture.nextTransaction();
        Received fullUpdate = capture.nextTransaction().changes().get(0);
        Update fullRowUpdate = (Update) fullUpdate.message();
        Relation audit = fullUpdate.relation().orElseThrow();
        assertThat(audit.hasFullReplicaIdentity()).isTrue();
        assertThat(fullRowUpdate.oldTupleKind()).contains(OldTupleKind.FULL_ROW);
        assertThat(fullRowUpdate.newTuple().column(1)).isEqualTo(ColumnValue.UNCHANGED_TOAST);
        assertThat(fullRowUpdate.oldTuple().orElseThrow().column(1)).isEqualTo(new ColumnValue.Text(bigText));
        JsonRow filled = CONVERTER.newRowToJson(audit, fullRowUpdate);
        assertThat(filled.isComplete()).isTrue();
        assertThat(filled.values().get("body").asText()).isEqualTo(bigText);
        assertThat(filled.values().get("note").asText()).isEqualTo("second");
        assertThat(CONVERTER.changes(audit, fullRowUpdate)).map(Object::toString).contains("{\"note\":\"first\"}");
        Delete fullRowDelete = (Delete) capture.nextTransaction().changeMessages().get(0);
        assertThat(fullRowDelete.oldTupleKind()).isEqualTo(OldTupleKind.FULL_ROW);
        assertThat(MAPPER.writeValueAsString(CONVERTER.toJson(audit, fullRowDelete.oldTuple()).values()))
                .isEqualTo("{\"id\":1,\"body\":\"" + bigText + "\",\"note\":\"second\"}");
    }

    @Test
    void multiTableTransactionWithLogicalMessages()
            throws Exception
    {
        execute("CREATE TABLE orders (id integer PRIMARY KEY, total numeric)", "CREATE TABLE lines (id integer PRIMARY KEY, order_id integer)");
        ChangeCapture capture = startCapture(List.of("orders", "lines"));

        long xid;
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET search_path = " + schema);
                statement.execute("INSERT INTO orders VALUES (1, 9.99)");
                statement.execute("INSERT INTO lines VALUES (10, 1), (11, 1)");
                statement.execute("SELECT pg_logical_emit_message(true, 'sluice', 'hello')");
                xid = queryLong(statement, "SELECT txid_current() % 4294967296");
            }
            connection.commit();
        }
        execute("SELECT pg_logical_emit_message(false, 'sluice', 'right away')");

        Transaction transaction = capture.nextTransaction();
        assertThat(transaction.begin().xid()).isEqualTo(xid);
        assertThat(transaction.begin().finalLsn()).isEqualTo(transaction.commit().commitLsn());
        assertThat(transaction.begin().commitTime()).isEqualTo(transaction.commit().commitTime());
        assertThat(transaction.commit().endLsn()).isGreaterThan(transaction.commit().commitLsn());
        assertThat(transaction.commit().commitTime()).isBetween(Instant.now().minus(TIMEOUT), Instant.now());
        List<PgOutputMessage> changes = transaction.changeMessages();
        assertThat(changes).hasSize(4);
        assertThat(transaction.changes().subList(0, 3))
                .extracting(received -> received.relation().orElseThrow().table())
                .containsExactly("orders", "lines", "lines");
        LogicalMessage transactional = (LogicalMessage) changes.get(3);
        assertThat(transactional.transactional()).isTrue();
        assertThat(transactional.prefix()).isEqualTo("sluice");
        assertThat(transactional.contentText()).isEqualTo("hello");
        assertThat(transactional.lsn()).isGreaterThan(Lsn.INVALID).isLessThanOrEqualTo(transaction.commit().commitLsn());

        PgOutputMessage afterCommit = capture.next().message();
        while (afterCommit instanceof PgOutputMessage.Begin || afterCommit instanceof PgOutputMessage.Commit) {
            afterCommit = capture.next().message();
        }
        assertThat(afterCommit).isInstanceOfSatisfying(LogicalMessage.class, message -> {
            assertThat(message.transactional()).isFalse();
            assertThat(message.contentText()).isEqualTo("right away");
        });
    }

    @Test
    void schemaChangesMidStream()
            throws Exception
    {
        execute("CREATE TABLE evolving (id integer PRIMARY KEY, note text)");
        ChangeCapture capture = startCapture(List.of("evolving"));

        execute("INSERT INTO evolving VALUES (1, 'one')");
        execute("ALTER TABLE evolving ADD COLUMN extra integer DEFAULT 7");
        execute("INSERT INTO evolving VALUES (2, 'two', 8)");
        execute("ALTER TABLE evolving DROP COLUMN note");
        execute("INSERT INTO evolving VALUES (3, 9)");
        execute("ALTER TABLE evolving ALTER COLUMN extra TYPE numeric");
        execute("INSERT INTO evolving VALUES (4, 10.5)");

        List<String> rows = new ArrayList<>();
        List<List<String>> shapes = new ArrayList<>();
        for (int index = 0; index < 4; index++) {
            Received received = capture.nextTransaction().changes().get(0);
            Relation relation = received.relation().orElseThrow();
            shapes.add(relation.columns().stream().map(column -> column.name() + ":" + column.typeOid()).toList());
            rows.add(MAPPER.writeValueAsString(CONVERTER.toJson(relation, ((Insert) received.message()).newTuple()).values()));
        }

        assertThat(shapes).containsExactly(
                List.of("id:23", "note:25"),
                List.of("id:23", "note:25", "extra:23"),
                List.of("id:23", "extra:23"),
                List.of("id:23", "extra:1700"));
        assertThat(rows).containsExactly(
                "{\"id\":1,\"note\":\"one\"}",
                "{\"id\":2,\"note\":\"two\",\"extra\":8}",
                "{\"id\":3,\"extra\":9}",
                "{\"id\":4,\"extra\":10.5}");
    }

    @Test
    void truncateIsAMessageOfItsOwn()
            throws Exception
    {
        execute("CREATE TABLE parent (id serial PRIMARY KEY)", "CREATE TABLE child (id integer PRIMARY KEY)");
        ChangeCapture capture = startCapture(List.of("parent", "child"));

        execute("INSERT INTO parent DEFAULT VALUES", "INSERT INTO child VALUES (1)");
        execute("TRUNCATE parent, child RESTART IDENTITY");
        execute("TRUNCATE child CASCADE");

        capture.nextTransaction();
        capture.nextTransaction();
        Truncate both = (Truncate) capture.nextTransaction().changeMessages().get(0);
        assertThat(both.restartIdentity()).isTrue();
        assertThat(both.cascade()).isFalse();
        assertThat(both.relationIds())
                .extracting(relationId -> capture.relations().require(relationId).table())
                .containsExactlyInAnyOrder("parent", "child");
        Truncate cascade = (Truncate) capture.nextTransaction().changeMessages().get(0);
        assertThat(cascade.cascade()).isTrue();
        assertThat(cascade.restartIdentity()).isFalse();
        assertThat(cascade.relationIds()).extracting(relationId -> capture.relations().require(relationId).table()).containsExactly("child");
    }

    @Test
    void streamsLargeTransactionsInProgressWithProtocolTwo()
            throws Exception
    {
        execute("CREATE TABLE bulk (id integer PRIMARY KEY, payload text)");
        ChangeCapture capture = startCapture(List.of("bulk"), 2);

        execute("INSERT INTO bulk SELECT id, repeat('x', 100) FROM generate_series(1, 5000) id");

        PgOutputMessage first = capture.next().message();
        assertThat(first).isInstanceOfSatisfying(StreamStart.class, start -> assertThat(start.firstSegment()).isTrue());
        long xid = ((StreamStart) first).xid();
        int inserts = 0;
        int blocks = 1;
        PgOutputMessage message = capture.next().message();
        while (!(message instanceof StreamCommit)) {
            if (message instanceof Insert insert) {
                assertThat(insert.streamedXid()).hasValue(xid);
                inserts++;
            }
            else if (message instanceof StreamStart start) {
                assertThat(start.xid()).isEqualTo(xid);
                assertThat(start.firstSegment()).isFalse();
                blocks++;
            }
            message = capture.next().message();
        }
        StreamCommit commit = (StreamCommit) message;

        assertThat(inserts).isEqualTo(5000);
        assertThat(blocks).isGreaterThan(1);
        assertThat(commit.xid()).isEqualTo(xid);
        assertThat(commit.endLsn()).isGreaterThan(commit.commitLsn());
    }

    @Test
    void onlyConfirmedTransactionsAreNotSentAgain()
            throws Exception
    {
        execute("CREATE TABLE events (id integer PRIMARY KEY)");
        ChangeCapture capture = startCapture(List.of("events"));

        execute("INSERT INTO events VALUES (1)");
        execute("INSERT INTO events VALUES (2)");
        Transaction first = capture.nextTransaction();
        Transaction second = capture.nextTransaction();
        assertThat(insertedId(second)).isEqualTo(2);
        // Only the first transaction is durable downstream, so only it is confirmed.
        confirmAndWait(capture, first.commit().endLsn());
        closeAll();
        waitUntilSlotIsInactive();

        ChangeCapture restarted = startCapture(List.of("events"));
        Transaction redelivered = restarted.nextTransaction();

        assertThat(insertedId(redelivered)).isEqualTo(2);
        assertThat(redelivered.commit()).isEqualTo(second.commit());
    }

    @Test
    void setsUpSlotAndPublicationOnce()
            throws Exception
    {
        execute("CREATE TABLE things (id integer PRIMARY KEY)");
        ReplicationConnection connection = openConnection();
        List<TableName> tables = List.of(new TableName(schema, "things"));

        assertThat(connection.serverMajorVersion()).isGreaterThanOrEqualTo(12);
        assertThat(connection.slot(slotName)).isEmpty();
        assertThat(connection.createPublicationIfAbsent(publicationName, tables, true)).isTrue();
        assertThat(connection.createPublicationIfAbsent(publicationName, tables, true)).isFalse();
        ReplicationSlot created = connection.createSlotIfAbsent(slotName);
        ReplicationSlot again = connection.createSlotIfAbsent(slotName);

        assertThat(created.plugin()).isEqualTo("pgoutput");
        assertThat(created.database()).isEqualTo("postgres");
        assertThat(created.active()).isFalse();
        assertThat(created.isLost()).isFalse();
        assertThat(again).isEqualTo(created);
        assertThat(created.confirmedFlushLsn()).isLessThanOrEqualTo(connection.currentWalPosition());
        assertThat(queryLong("SELECT count(*) FROM pg_publication_tables WHERE pubname = '" + publicationName + "' AND tablename = 'things'")).isEqualTo(1);
    }

    @Test
    void refusesSlotOfAnotherPlugin()
            throws Exception
    {
        execute("SELECT pg_create_logical_replication_slot('" + slotName + "', 'test_decoding')");
        ReplicationConnection connection = openConnection();

        assertThatThrownBy(() -> connection.createSlotIfAbsent(slotName))
                .isInstanceOfSatisfying(SluiceException.class, exception -> assertThat(exception.code()).isEqualTo(ErrorCode.SOURCE_CHECK_FAILED))
                .hasMessageContaining("uses plugin 'test_decoding'");
    }

    @Test
    void typeOidsMatchTheServer()
            throws Exception
    {
        for (Map.Entry<Integer, Integer> entry : TypeOids.arrayElementTypes().entrySet()) {
            assertThat(queryLong("SELECT typelem FROM pg_type WHERE oid = " + entry.getKey()))
                    .as("element of array type %d", entry.getKey())
                    .isEqualTo(entry.getValue().longValue());
        }
        Map<String, Integer> scalars = Map.ofEntries(
                Map.entry("bool", TypeOids.BOOL), Map.entry("bytea", TypeOids.BYTEA), Map.entry("int8", TypeOids.INT8),
                Map.entry("int2", TypeOids.INT2), Map.entry("int4", TypeOids.INT4), Map.entry("text", TypeOids.TEXT),
                Map.entry("oid", TypeOids.OID), Map.entry("json", TypeOids.JSON), Map.entry("float4", TypeOids.FLOAT4),
                Map.entry("float8", TypeOids.FLOAT8), Map.entry("bpchar", TypeOids.BPCHAR), Map.entry("varchar", TypeOids.VARCHAR),
                Map.entry("date", TypeOids.DATE), Map.entry("time", TypeOids.TIME), Map.entry("timestamp", TypeOids.TIMESTAMP),
                Map.entry("timestamptz", TypeOids.TIMESTAMPTZ), Map.entry("interval", TypeOids.INTERVAL), Map.entry("timetz", TypeOids.TIMETZ),
                Map.entry("numeric", TypeOids.NUMERIC), Map.entry("uuid", TypeOids.UUID), Map.entry("jsonb", TypeOids.JSONB),
                Map.entry("inet", TypeOids.INET), Map.entry("cidr", TypeOids.CIDR), Map.entry("macaddr", TypeOids.MACADDR),
                Map.entry("name", TypeOids.NAME), Map.entry("char", TypeOids.CHAR), Map.entry("xml", TypeOids.XML), Map.entry("money", TypeOids.MONEY));
        for (Map.Entry<String, Integer> entry : scalars.entrySet()) {
            assertThat(queryLong("SELECT oid FROM pg_type WHERE typname = '" + entry.getKey() + "' AND typnamespace = 'pg_catalog'::regnamespace"))
                    .as(entry.getKey())
                    .isEqualTo(entry.getValue().longValue());
        }
    }

    private void createEveryTypeTable(String table)
            throws SQLException
    {
        execute("CREATE TYPE mood AS ENUM ('happy', 'sad')", "CREATE TABLE " + table + " (" + EVERY_TYPE_COLUMNS + ")");
    }

    private ChangeCapture startCapture(List<String> tables)
            throws SQLException
    {
        return startCapture(tables, 1);
    }

    private ChangeCapture startCapture(List<String> tables, int protocolVersion)
            throws SQLException
    {
        ReplicationConnection connection = openConnection();
        connection.createPublicationIfAbsent(publicationName, tables.stream().map(table -> new TableName(schema, table)).toList(), false);
        connection.createSlotIfAbsent(slotName);
        boolean streamInProgressTransactions = protocolVersion >= 2;
        ReplicationStream stream = connection.startStream(
                new StreamOptions(slotName, List.of(publicationName), Lsn.INVALID, protocolVersion, streamInProgressTransactions, Duration.ofSeconds(10)));
        cleanup.add(stream);
        return new ChangeCapture(stream, TIMEOUT);
    }

    private ReplicationConnection openConnection()
            throws SQLException
    {
        ReplicationConnection connection = ReplicationConnection.open(jdbcUrl, "postgres", "");
        cleanup.add(connection);
        return connection;
    }

    private void closeAll()
            throws Exception
    {
        for (int index = cleanup.size() - 1; index >= 0; index--) {
            cleanup.get(index).close();
        }
        cleanup.clear();
    }

    private void confirmAndWait(ChangeCapture capture, Lsn lsn)
            throws Exception
    {
        ReplicationStream stream = capture.stream();
        stream.confirm(lsn);
        stream.sendStatus();
        assertThat(stream.lastConfirmedLsn()).isEqualTo(lsn);
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (queryLsn("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + slotName + "'").isBefore(lsn)) {
            assertThat(Instant.now()).as("slot confirmed %s in time", lsn).isBefore(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** The server releases a slot when its walsender exits, a moment after the client disconnects. */
    private void waitUntilSlotIsInactive()
            throws SQLException
    {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slotName + "' AND active") > 0) {
            assertThat(Instant.now()).as("slot %s released in time", slotName).isBefore(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static long insertedId(Transaction transaction)
    {
        TupleData tuple = ((Insert) transaction.changeMessages().get(0)).newTuple();
        return Long.parseLong(((ColumnValue.Text) tuple.column(0)).value());
    }

    private void execute(String... statements)
            throws SQLException
    {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            statement.execute("SET search_path = " + schema);
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private long queryLong(String sql)
            throws SQLException
    {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            return queryLong(statement, sql);
        }
    }

    private static long queryLong(Statement statement, String sql)
            throws SQLException
    {
        try (ResultSet results = statement.executeQuery(sql)) {
            assertThat(results.next()).as(sql).isTrue();
            return results.getLong(1);
        }
    }

    private Lsn queryLsn(String sql)
            throws SQLException
    {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet results = statement.executeQuery(sql)) {
            assertThat(results.next()).as(sql).isTrue();
            return Lsn.parse(results.getString(1));
        }
    }

    /** Random letters and digits: LZ compression cannot shrink them, so the value is stored out of line. */
    private static String randomText(int length)
    {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        Random random = new Random(42);
        StringBuilder text = new StringBuilder(length);
        for (int index = 0; index < length; index++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
