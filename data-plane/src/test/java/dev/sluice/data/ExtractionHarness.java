package dev.sluice.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Lsn;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.BackfillId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.core.id.SourceId;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.data.deliver.PushSettings;
import dev.sluice.data.extract.CrashPoints;
import dev.sluice.data.extract.ExtractorSettings;
import dev.sluice.data.extract.pgoutput.ValueConverter;
import dev.sluice.source.SourceAdmin;
import dev.sluice.source.SourceConnection;
import dev.sluice.store.Store;
import dev.sluice.store.account.AccountDao;
import dev.sluice.store.backfill.Backfill;
import dev.sluice.store.backfill.BackfillDao;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.store.endpoint.HttpEndpoint;
import dev.sluice.store.endpoint.HttpEndpointDao;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceDao;
import dev.sluice.stream.StreamMetrics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

/**
 * Real Postgres servers for extraction tests: a metadata store (migrated) and a source with
 * {@code wal_level=logical}, plus helpers that set up sources and consumers the way the control plane
 * does, run data-plane workers, and read consumer streams back.
 */
public final class ExtractionHarness
        implements AutoCloseable
{
    public static final ObjectMapper JSON = ValueConverter.newObjectMapper();
    private static final String PASSWORD = "source-password";

    private final EmbeddedPostgres metadata;
    private final EmbeddedPostgres source;
    private final Store store;
    private final SecretBox secrets = SecretBox.fromBase64Key(SecretBox.generateKey());
    private final AccountId account = AccountId.generate();
    private final List<DataPlane> workers = new ArrayList<>();
    private final StreamMetrics metrics = StreamMetrics.unregistered();

    /** Starts a source of the default embedded Postgres version with {@code wal_level = logical} and the given settings on top. */
    public ExtractionHarness(Map<String, String> sourceConfig)
    {
        this(startSource(sourceConfig));
    }

    private ExtractionHarness(EmbeddedPostgres source)
    {
        this.source = requireNonNull(source, "source is null");
        try {
            metadata = EmbeddedPostgres.builder().start();
        }
        catch (IOException e) {
            closeSource(source, e);
            throw new UncheckedIOException(e);
        }
        DataSource metadataSource = metadata.getPostgresDatabase();
        Store.migrate(metadataSource);
        store = new Store(metadataSource);
        store.useHandle(handle -> handle.attach(AccountDao.class).insert(account, "test"));
        sourceSql("alter role postgres with password '" + PASSWORD + "'");
    }

    /**
     * A harness streaming from a source server started elsewhere, for example by
     * {@link dev.sluice.data.testing.PostgresVersions}: it needs {@code wal_level = logical} and free
     * replication slots and WAL senders. The harness owns the server from now on and closes it.
     */
    public static ExtractionHarness withSource(EmbeddedPostgres source)
    {
        return new ExtractionHarness(source);
    }

    private static EmbeddedPostgres startSource(Map<String, String> sourceConfig)
    {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("max_wal_senders", "20");
        sourceConfig.forEach(builder::setServerConfig);
        try {
            return builder.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeSource(EmbeddedPostgres source, Exception failure)
    {
        try {
            source.close();
        }
        catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** The metrics every worker of this harness counts into. */
    public StreamMetrics metrics()
    {
        return metrics;
    }

    public Store store()
    {
        return store;
    }

    public SecretBox secrets()
    {
        return secrets;
    }

    public void sourceSql(String sql)
    {
        try (Connection connection = source.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("source SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    public long sourceLong(String sql)
    {
        try (Connection connection = source.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException("source SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query on the source and hands each row to {@code each}. */
    public void sourceRows(String sql, RowConsumer each)
    {
        try (Connection connection = source.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                each.accept(rs);
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException("source SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Reads one row of a result. */
    public interface RowConsumer
    {
        void accept(ResultSet row)
                throws SQLException;
    }

    /** Stops a worker as if its process died: its leases are not released and must expire. */
    public void halt(DataPlane worker)
    {
        worker.halt();
        workers.remove(worker);
    }

    public SourceConnection connection(String name)
    {
        return new SourceConnection("127.0.0.1", source.getPort(), "postgres", "postgres", PASSWORD, "disable", "pub_" + name, "slot_" + name, true, true);
    }

    /** Creates a source as the control plane does: stored with an encrypted password, publication and slot created. */
    public String createSource(String name)
    {
        SourceConnection connection = connection(name);
        try (SourceAdmin admin = SourceAdmin.connect(connection, Duration.ofSeconds(5))) {
            admin.ensurePublished(List.of());
            admin.ensureSlot();
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        SourceId id = SourceId.generate();
        Instant now = Instant.now();
        store.useHandle(handle -> handle.attach(SourceDao.class).insert(new Source(account, id, name, connection.host(), connection.port(), connection.database(),
                connection.username(), secrets.encrypt(PASSWORD), "disable", connection.publicationName(), connection.slotName(), true, true, now, now)));
        return id.value();
    }

    /** Creates a consumer as the control plane does: its tables published, starting at the source's current WAL position. */
    public String createConsumer(String sourceId, String name, List<TableSelection> tables, List<String> actions, Optional<String> filter)
    {
        Source source = store.onDemand(SourceDao.class).findById(account, new SourceId(sourceId)).orElseThrow();
        Lsn start;
        try (SourceAdmin admin = SourceAdmin.connect(connection(source.name()), Duration.ofSeconds(5))) {
            admin.ensurePublished(tables.stream().map(table -> new SourceAdmin.Table(table.schema(), table.table())).toList());
            start = admin.currentWalLsn();
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        ConsumerId id = ConsumerId.generate();
        Instant now = Instant.now();
        store.useHandle(handle -> handle.attach(ConsumerDao.class).insert(new Consumer(account, id, name, source.id(), Consumer.Kind.PULL, tables, actions, filter,
                Optional.empty(), Optional.empty(), Optional.empty(), 1, 30, 1000, 10, StartPosition.now(), start.asLong(), true, now, now)));
        return id.value();
    }

    /** Creates an HTTP endpoint with an optional signing secret. */
    public String createEndpoint(String name, String url, Optional<String> signingSecret, Map<String, String> headers)
    {
        String id = ResourceKind.HTTP_ENDPOINT.newId();
        Instant now = Instant.now();
        store.useHandle(handle -> handle.attach(HttpEndpointDao.class).insert(new HttpEndpoint(
                account, id, name, url, headers, Optional.empty(), List.of(), signingSecret.map(secrets::encrypt), List.of(), now, now)));
        return id;
    }

    /** Creates a push consumer of one table, as the control plane does. */
    public String createPushConsumer(String sourceId, String name, String table, String endpointId, int batchSize, int maxDeliver)
    {
        return createPushConsumer(sourceId, name, table, endpointId, batchSize, maxDeliver, Optional.empty());
    }

    /** Creates a push consumer of one table with a Lua transform, as the control plane does. */
    public String createPushConsumer(String sourceId, String name, String table, String endpointId, int batchSize, int maxDeliver, Optional<String> transform)
    {
        Source source = store.onDemand(SourceDao.class).findById(account, new SourceId(sourceId)).orElseThrow();
        Lsn start;
        try (SourceAdmin admin = SourceAdmin.connect(connection(source.name()), Duration.ofSeconds(5))) {
            admin.ensurePublished(List.of(new SourceAdmin.Table("public", table)));
            start = admin.currentWalLsn();
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        ConsumerId id = ConsumerId.generate();
        Instant now = Instant.now();
        store.useHandle(handle -> handle.attach(ConsumerDao.class).insert(new Consumer(account, id, name, source.id(), Consumer.Kind.PUSH, table(table),
                List.of("insert", "update", "delete"), Optional.empty(), transform, Optional.of(endpointId), Optional.of("/hook"), batchSize, 30, 1000,
                maxDeliver, StartPosition.now(), start.asLong(), true, now, now)));
        return id.value();
    }

    /** Starts a backfill of the consumer's tables, as the API does for a rewind or replay. */
    public String createBackfill(String consumerId, StartPosition start, Optional<String> filter)
    {
        BackfillId id = BackfillId.generate();
        Instant now = Instant.now();
        store.useHandle(handle -> handle.attach(BackfillDao.class).insert(new Backfill(account, id, new ConsumerId(consumerId),
                Backfill.State.PENDING, Optional.of(start), filter, List.of(), 0, Optional.empty(), Optional.empty(), Optional.empty(),
                now, now, Optional.empty())));
        return id.value();
    }

    public String backfillState(String backfillId)
    {
        return store.withHandle(handle -> handle.createQuery("select state || ':' || rows_read || ':' || coalesce(error, '') from backfills where id = :id")
                .bind("id", backfillId).mapTo(String.class).one());
    }

    /** Whether the thread named {@code name} is inside {@code method} of the class named {@code type} (and waits there, when {@code waiting}). */
    public static boolean threadIn(String name, String type, String method, boolean waiting)
    {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey().getName().equals(name))
                .anyMatch(thread -> (!waiting || thread.getKey().getState() == Thread.State.WAITING || thread.getKey().getState() == Thread.State.TIMED_WAITING)
                        && Arrays.stream(thread.getValue()).anyMatch(frame -> frame.getClassName().equals(type) && frame.getMethodName().equals(method)));
    }

    public static List<TableSelection> table(String name)
    {
        return List.of(new TableSelection("public", name, List.of()));
    }

    public DataPlane startWorker(Duration leaseTtl, Supplier<CrashPoints> crashPoints)
    {
        return startWorker(leaseTtl, crashPoints, ExtractorSettings.defaults());
    }

    public DataPlane startWorker(Duration leaseTtl, Supplier<CrashPoints> crashPoints, ExtractorSettings extractor)
    {
        return startWorker(leaseTtl, crashPoints, extractor, PushSettings.defaults(true));
    }

    public DataPlane startWorker(Duration leaseTtl, Supplier<CrashPoints> crashPoints, ExtractorSettings extractor, PushSettings push)
    {
        return startWorker(new DataPlaneSettings(DataPlaneSettings.newWorkerId(), leaseTtl, leaseTtl.dividedBy(4), 2, leaseTtl.multipliedBy(2), extractor, push),
                crashPoints);
    }

    public DataPlane startWorker(DataPlaneSettings settings, Supplier<CrashPoints> crashPoints)
    {
        return startWorker(store, settings, crashPoints);
    }

    /** A worker that reaches the metadata store through {@code workerStore} (the same database, seen differently). */
    public DataPlane startWorker(Store workerStore, DataPlaneSettings settings, Supplier<CrashPoints> crashPoints)
    {
        DataPlane worker = new DataPlane(workerStore, secrets, settings, metrics, crashPoints);
        worker.start();
        workers.add(worker);
        return worker;
    }

    /** The consumer's stream in order, acknowledged messages left out: action, group and record of every message. */
    public List<StreamedMessage> messages(String consumerId)
    {
        return store.withHandle(handle -> handle.createQuery("""
                        select distinct on (l.seq) l.seq, l.action, l.group_key, l.table_name, l.record::text, l.changes::text, l.unchanged_columns::text,
                               l.commit_lsn, l.change_index
                        from consumers c join stream_log l on l.consumer_key = c.stream_key
                        join stream_cursors cur on cur.consumer_key = c.stream_key
                        where c.id = :consumer
                          and (l.seq > cur.cursor_seq or exists (select 1 from stream_pending p where p.consumer_key = l.consumer_key and p.seq = l.seq))
                        order by l.seq
                        """)
                .bind("consumer", consumerId)
                .map((rs, ctx) -> new StreamedMessage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), read(rs.getString(5)),
                        Optional.ofNullable(rs.getString(6)).map(ExtractionHarness::read), Optional.ofNullable(rs.getString(7)).map(ExtractionHarness::read),
                        rs.getLong(8), rs.getInt(9)))
                .list());
    }

    public List<StreamedMessage> awaitMessages(String consumerId, int count)
    {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> messages(consumerId).size() >= count);
        return messages(consumerId);
    }

    public long checkpoint(String sourceId)
    {
        return store.withHandle(handle -> handle.createQuery("select coalesce(max(checkpoint_lsn), 0) from source_state where source_id = :id")
                .bind("id", sourceId).mapTo(Long.class).one());
    }

    private static JsonNode read(String json)
    {
        try {
            return JSON.readTree(json);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close()
    {
        workers.forEach(DataPlane::close);
        try {
            source.close();
            metadata.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message as stored in a consumer's stream. */
    public record StreamedMessage(long seq, String action, String group, String table, JsonNode record, Optional<JsonNode> changes,
            Optional<JsonNode> unchangedColumns, long commitLsn, int changeIndex) {}
}
