package dev.sluice.source;

import dev.sluice.core.Lsn;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The few things Sluice does to a source database outside the replication stream: keeping the
 * publication's table list, creating and dropping the slot, and reading positions and keys.
 */
public final class SourceAdmin
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(SourceAdmin.class);
    private static final String DUPLICATE_OBJECT = "42710";

    private final SourceConnection source;
    private final Connection connection;

    private SourceAdmin(SourceConnection source, Connection connection)
    {
        this.source = source;
        this.connection = connection;
    }

    public static SourceAdmin connect(SourceConnection source, Duration connectTimeout)
            throws SQLException
    {
        requireNonNull(source, "source is null");
        Connection connection = DriverManager.getConnection(source.jdbcUrl(), source.jdbcProperties("sluice", connectTimeout));
        return new SourceAdmin(source, connection);
    }

    /** A qualified table name. */
    public record Table(String schema, String name)
    {
        public Table
        {
            requireNonNull(schema, "schema is null");
            requireNonNull(name, "name is null");
        }

        public String quoted()
        {
            return quote(schema) + "." + quote(name);
        }

        @Override
        public String toString()
        {
            return schema + "." + name;
        }
    }

    /**
     * Makes the publication exist and publish {@code tables} when Sluice manages it; otherwise returns the
     * tables it lacks, for the caller to report.
     */
    public List<Table> ensurePublished(List<Table> tables)
            throws SQLException
    {
        boolean exists = exists("select 1 from pg_publication where pubname = ?", source.publicationName());
        if (!exists) {
            if (!source.managePublication()) {
                return List.copyOf(tables);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("create publication " + quote(source.publicationName()) + publicationOptions());
                LOG.info("created publication {}", source.publicationName());
            }
            catch (SQLException e) {
                if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
        List<Table> missing = new ArrayList<>();
        for (Table table : tables) {
            if (!published(table)) {
                missing.add(table);
            }
        }
        if (missing.isEmpty() || !source.managePublication()) {
            return missing;
        }
        for (Table table : missing) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("alter publication " + quote(source.publicationName()) + " add table " + table.quoted());
                LOG.info("added {} to publication {}", table, source.publicationName());
            }
            catch (SQLException e) {
                if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                    throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED, "cannot add " + table + " to publication " + source.publicationName()
                            + ": " + e.getMessage() + " (the source user must own the table)", e);
                }
            }
        }
        return List.of();
    }

    private String publicationOptions()
            throws SQLException
    {
        int version = connection.getMetaData().getDatabaseMajorVersion();
        if (version >= 18) {
            // Postgres 18 can send stored generated columns; before, pgoutput never sends them
            return " with (publish_via_partition_root = true, publish_generated_columns = stored)";
        }
        // Partitioned tables then publish their partitions' changes under the parent's name (Postgres 13+).
        return version >= 13 ? " with (publish_via_partition_root = true)" : "";
    }

    private boolean published(Table table)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement("""
                select 1 from pg_publication p
                where p.pubname = ? and (p.puballtables or exists (
                    select 1 from pg_publication_rel pr join pg_class c on c.oid = pr.prrelid join pg_namespace n on n.oid = c.relnamespace
                    where pr.prpubid = p.oid and n.nspname = ? and c.relname = ?))
                """)) {
            statement.setString(1, source.publicationName());
            statement.setString(2, table.schema());
            statement.setString(3, table.name());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Creates the slot when Sluice manages it and it is absent; returns whether it exists afterwards. */
    public boolean ensureSlot()
            throws SQLException
    {
        if (exists("select 1 from pg_replication_slots where slot_name = ?", source.slotName())) {
            return true;
        }
        if (!source.manageSlot()) {
            return false;
        }
        try (PreparedStatement statement = connection.prepareStatement("select pg_create_logical_replication_slot(?, 'pgoutput')")) {
            statement.setString(1, source.slotName());
            statement.execute();
            LOG.info("created replication slot {}", source.slotName());
        }
        catch (SQLException e) {
            if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                throw e;
            }
        }
        return true;
    }

    /** What became of the source's replication slot. */
    public enum SlotCondition
    {
        MISSING,
        /** The server invalidated it: it removed WAL the slot still needed, or (on a standby) rows it needed. */
        LOST,
        USABLE
    }

    public SlotCondition slotCondition()
            throws SQLException
    {
        // to_jsonb reads the columns newer servers have (wal_status from 13, conflicting from 16, invalidation_reason
        // from 17) without failing on older ones, which cannot invalidate a slot
        try (PreparedStatement statement = connection.prepareStatement("""
                select coalesce(to_jsonb(s) ->> 'wal_status', ''), coalesce(to_jsonb(s) ->> 'conflicting', 'false'), to_jsonb(s) ->> 'invalidation_reason'
                from pg_replication_slots s where slot_name = ?
                """)) {
            statement.setString(1, source.slotName());
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return SlotCondition.MISSING;
                }
                boolean lost = result.getString(1).equals("lost") || result.getString(2).equals("true") || result.getString(3) != null;
                return lost ? SlotCondition.LOST : SlotCondition.USABLE;
            }
        }
    }

    /** Where the slot streams from: its confirmed flush LSN. */
    public Lsn slotPosition()
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(
                "select coalesce(confirmed_flush_lsn, restart_lsn)::text from pg_replication_slots where slot_name = ?")) {
            statement.setString(1, source.slotName());
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next() || result.getString(1) == null) {
                    throw new SQLException("replication slot " + source.slotName() + " does not exist");
                }
                return Lsn.parse(result.getString(1));
            }
        }
    }

    /** Ends the connection (of a previous lease holder) that still streams from the slot. */
    public void terminateSlotHolder()
            throws SQLException
    {
        try (PreparedStatement terminate = connection.prepareStatement(
                "select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = ? and active_pid is not null")) {
            terminate.setString(1, source.slotName());
            terminate.execute();
        }
    }

    /** Drops the slot, ending the walsender that holds it first; Postgres then frees the WAL it kept. */
    public void dropSlot()
            throws SQLException
    {
        for (int attempt = 0; attempt < 20; attempt++) {
            terminateSlotHolder();
            try (PreparedStatement drop = connection.prepareStatement(
                    "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ?")) {
                drop.setString(1, source.slotName());
                drop.execute();
                LOG.info("dropped replication slot {}", source.slotName());
                return;
            }
            catch (SQLException e) {
                // 55006: still active; the walsender is on its way out
                if (!"55006".equals(e.getSQLState())) {
                    throw e;
                }
            }
            try {
                Thread.sleep(250);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new SQLException("replication slot " + source.slotName() + " stayed in use");
    }

    /**
     * Writes a watermark into the WAL: a logical decoding message on Postgres 14 and newer (pgoutput streams
     * them), otherwise a row in the watermark table {@code public.sluice_watermarks}, which must then be published.
     * Its transaction commits with {@code synchronous_commit = local}: the WAL is flushed at once, so the stream
     * (which is only sent flushed WAL) sees the watermark now rather than at the WAL writer's next round on a
     * source that commits asynchronously; {@code local} never waits for a standby.
     */
    public void emitWatermark(String content)
            throws SQLException
    {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("set local synchronous_commit = local");
            }
            if (serverMajorVersion() >= 14) {
                try (PreparedStatement statement = connection.prepareStatement("select pg_logical_emit_message(true, ?, ?)")) {
                    statement.setString(1, WATERMARK_PREFIX);
                    statement.setString(2, content);
                    statement.execute();
                }
            }
            else {
                try (PreparedStatement statement = connection.prepareStatement("insert into public." + WATERMARK_TABLE + " (watermark) values (?) on conflict do nothing")) {
                    statement.setString(1, content);
                    statement.execute();
                }
            }
            connection.commit();
        }
        catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
        finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Prepares watermarks on a server without logical messages: the watermark table, published; old rows are pruned. */
    public void prepareWatermarks()
            throws SQLException
    {
        if (serverMajorVersion() >= 14) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("create table if not exists public." + WATERMARK_TABLE + " (watermark text primary key, written_at timestamptz not null default now())");
            statement.execute("delete from public." + WATERMARK_TABLE + " where written_at < now() - interval '1 hour'");
        }
        List<Table> missing = ensurePublished(List.of(new Table("public", WATERMARK_TABLE)));
        if (!missing.isEmpty()) {
            throw new SQLException("backfills on Postgres " + serverMajorVersion() + " need the watermark table in the publication: run ALTER PUBLICATION "
                    + quote(source.publicationName()) + " ADD TABLE public." + WATERMARK_TABLE);
        }
    }

    /** A read on the source inside one snapshot. */
    @FunctionalInterface
    public interface SnapshotRead<T>
    {
        T read(Connection connection)
                throws SQLException;
    }

    /**
     * Which transactions a snapshot does not see: those from {@code xmax} on, and those {@code inProgress}
     * (64-bit ids, as Postgres reports them).
     */
    @FunctionalInterface
    public interface SnapshotCheck
    {
        boolean acceptable(long xmax, List<Long> inProgress);
    }

    private static final int SNAPSHOT_ATTEMPTS = 50;
    private static final Duration SNAPSHOT_RETRY = Duration.ofMillis(20);

    /**
     * Runs {@code read} in a repeatable-read snapshot that {@code check} accepts. Postgres writes a
     * transaction's commit into the WAL (where the stream may decode it) a moment before other snapshots see
     * it; a snapshot taken in that moment does not see the transaction. Such a snapshot is dropped and taken
     * again; if one keeps being refused (a commit waiting for a synchronous standby stays invisible until the
     * standby answers), this gives up for now and returns empty.
     */
    public <T> Optional<T> inAcceptableSnapshot(SnapshotCheck check, SnapshotRead<T> read)
            throws SQLException
    {
        String snapshot = serverMajorVersion() >= 13
                ? "select pg_snapshot_xmax(s)::text::bigint, array(select x::text::bigint from pg_snapshot_xip(s) x) from (select pg_current_snapshot() s) q"
                : "select txid_snapshot_xmax(s), array(select txid_snapshot_xip(s)) from (select txid_current_snapshot() s) q";
        for (int attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(SNAPSHOT_RETRY.toMillis());
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                boolean acceptable;
                try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(snapshot)) {
                    rs.next();
                    List<Long> inProgress = new ArrayList<>();
                    for (Object xid : (Object[]) rs.getArray(2).getArray()) {
                        inProgress.add(((Number) xid).longValue());
                    }
                    acceptable = check.acceptable(rs.getLong(1), inProgress);
                }
                if (acceptable) {
                    T result = read.read(connection);
                    connection.commit();
                    return Optional.of(result);
                }
                connection.rollback();
            }
            catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
            finally {
                connection.setAutoCommit(true);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
        return Optional.empty();
    }

    public static final String WATERMARK_PREFIX = "sluice.watermark";
    public static final String WATERMARK_TABLE = "sluice_watermarks";

    public Connection connection()
    {
        return connection;
    }

    public int serverMajorVersion()
            throws SQLException
    {
        return connection.getMetaData().getDatabaseMajorVersion();
    }

    public void dropPublication()
            throws SQLException
    {
        try (Statement statement = connection.createStatement()) {
            statement.execute("drop publication if exists " + quote(source.publicationName()));
            LOG.info("dropped publication {}", source.publicationName());
        }
    }

    public Lsn currentWalLsn()
            throws SQLException
    {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("select pg_current_wal_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    /** Bytes of WAL the slot holds back: from what Sluice confirmed to the end of the log. */
    public Optional<Long> slotLagBytes()
            throws SQLException
    {
        return slotLagBytes(Optional.empty());
    }

    /**
     * The slot's lag, answered within {@code timeout} or an {@link SQLException}: a source that no longer answers (down, or
     * cut off by the network without the connection being closed) is noticed in that time.
     */
    public Optional<Long> slotLagBytes(Duration timeout)
            throws SQLException
    {
        return slotLagBytes(Optional.of(timeout));
    }

    private Optional<Long> slotLagBytes(Optional<Duration> timeout)
            throws SQLException
    {
        int previous = connection.getNetworkTimeout();
        if (timeout.isPresent()) {
            connection.setNetworkTimeout(Runnable::run, Math.toIntExact(timeout.get().toMillis()));
        }
        try {
            return readSlotLag();
        }
        finally {
            if (timeout.isPresent() && !connection.isClosed()) {
                connection.setNetworkTimeout(Runnable::run, previous);
            }
        }
    }

    private Optional<Long> readSlotLag()
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(
                "select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint from pg_replication_slots where slot_name = ?")) {
            statement.setString(1, source.slotName());
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long lag = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(lag);
            }
        }
    }

    /** The table's primary-key columns in key order; empty when it has none. */
    public List<String> primaryKey(String schema, String table)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement("""
                select array_agg(a.attname::text order by array_position(i.indkey::int2[], a.attnum))
                from pg_index i
                join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
                where i.indisprimary and n.nspname = ? and c.relname = ?
                """)) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                Array array = rs.getArray(1);
                return array == null ? List.of() : List.of((String[]) array.getArray());
            }
        }
    }

    private boolean exists(String sql, String parameter)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Quotes an identifier for SQL sent to a source. */
    public static String quote(String identifier)
    {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close()
            throws SQLException
    {
        connection.close();
    }
}
