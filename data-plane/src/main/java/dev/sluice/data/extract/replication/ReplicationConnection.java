package dev.sluice.data.extract.replication;

import dev.sluice.core.Lsn;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * A replication connection ({@code replication=database}) to a source database: sets up the
 * publication and the {@code pgoutput} slot, and starts the stream of changes.
 * <p>
 * <b>Safety rule:</b> the position a consumer confirms through
 * {@link ReplicationStream#confirm(Lsn)} tells Postgres it may discard the WAL before it and
 * never send those transactions again. Confirm a position only after every message it covers
 * is durable in the metadata store (committed, with the source checkpoint, in one
 * transaction). Confirming earlier loses changes when the process dies in between.
 * <p>
 * Not thread-safe: one extractor owns the connection.
 */
public final class ReplicationConnection
        implements AutoCloseable
{
    public static final String OUTPUT_PLUGIN = "pgoutput";

    private static final Logger log = LoggerFactory.getLogger(ReplicationConnection.class);
    private static final String DUPLICATE_OBJECT = "42710";

    private final Connection connection;
    private final int serverMajorVersion;

    private ReplicationConnection(Connection connection, int serverMajorVersion)
    {
        this.connection = requireNonNull(connection, "connection is null");
        this.serverMajorVersion = serverMajorVersion;
    }

    /**
     * Opens a replication connection. The user needs the {@code REPLICATION} attribute (or to be
     * a superuser), and {@code pg_hba.conf} must allow it to connect to the database.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL naming the source database
     */
    public static ReplicationConnection open(String jdbcUrl, String user, String password)
            throws SQLException
    {
        return open(jdbcUrl, user, password, "prefer");
    }

    /** Opens a replication connection with the source's TLS mode (libpq's sslmode values). */
    public static ReplicationConnection open(String jdbcUrl, String user, String password, String sslMode)
            throws SQLException
    {
        requireNonNull(sslMode, "sslMode is null");
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        Properties properties = new Properties();
        PGProperty.USER.set(properties, user);
        PGProperty.PASSWORD.set(properties, password);
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        // A walsender speaks only the simple query protocol.
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        PGProperty.APPLICATION_NAME.set(properties, "sluice");
        PGProperty.TCP_KEEP_ALIVE.set(properties, true);
        PGProperty.SSL_MODE.set(properties, sslMode);
        Connection connection = DriverManager.getConnection(jdbcUrl, properties);
        try {
            return new ReplicationConnection(connection, connection.getMetaData().getDatabaseMajorVersion());
        }
        catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    public int serverMajorVersion()
    {
        return serverMajorVersion;
    }

    /** The slot with this name, if it exists (in any database of the server). */
    public Optional<ReplicationSlot> slot(String slotName)
            throws SQLException
    {
        Identifiers.checkSimpleName("slot name", slotName);
        String walStatus = serverMajorVersion >= 13 ? "wal_status" : "NULL";
        String sql = "SELECT slot_name, coalesce(plugin, ''), coalesce(database, ''), coalesce(confirmed_flush_lsn::text, '0/0'), active, "
                + walStatus + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, slotName);
            try (ResultSet results = statement.executeQuery()) {
                if (!results.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ReplicationSlot(
                        results.getString(1),
                        results.getString(2),
                        results.getString(3),
                        Lsn.parse(results.getString(4)),
                        results.getBoolean(5),
                        Optional.ofNullable(results.getString(6))));
            }
        }
    }

    /**
     * Creates a logical slot with the {@code pgoutput} plugin unless one with this name exists.
     * A new slot starts at the current end of the WAL: it streams transactions that commit after
     * its creation.
     *
     * @throws SluiceException {@link ErrorCode#SOURCE_CHECK_FAILED} if a slot with this name
     * exists but uses another plugin, belongs to another database, or was invalidated
     */
    public ReplicationSlot createSlotIfAbsent(String slotName)
            throws SQLException
    {
        Optional<ReplicationSlot> existing = slot(slotName);
        if (existing.isEmpty()) {
            try {
                connection.unwrap(PGConnection.class).getReplicationAPI()
                        .createReplicationSlot()
                        .logical()
                        .withSlotName(slotName)
                        .withOutputPlugin(OUTPUT_PLUGIN)
                        .make();
                log.info("Created replication slot {} with plugin {}", slotName, OUTPUT_PLUGIN);
            }
            catch (SQLException e) {
                // Another worker created it at the same moment: use theirs.
                if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
            }
            existing = slot(slotName);
        }
        ReplicationSlot slot = existing.orElseThrow(() -> new SluiceException(ErrorCode.SOURCE_CHECK_FAILED, "replication slot " + slotName + " vanished after creation"));
        checkUsable(slot);
        return slot;
    }

    /** Drops the slot if it exists; it must not be in use. Postgres then frees the WAL it held. */
    public void dropSlotIfExists(String slotName)
            throws SQLException
    {
        if (slot(slotName).isPresent()) {
            connection.unwrap(PGConnection.class).getReplicationAPI().dropReplicationSlot(slotName);
            log.info("Dropped replication slot {}", slotName);
        }
    }

    public boolean publicationExists(String publicationName)
            throws SQLException
    {
        Identifiers.checkSimpleName("publication name", publicationName);
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            statement.setString(1, publicationName);
            try (ResultSet results = statement.executeQuery()) {
                return results.next();
            }
        }
    }

    /**
     * Creates a publication for the tables unless one with this name exists (an existing
     * publication is left as it is). The user must own the tables.
     *
     * @param publishViaPartitionRoot publish changes of partitions as changes of their
     * partitioned table (Postgres 13 and newer), so that a consumer can name the parent
     * @return whether the publication was created
     */
    public boolean createPublicationIfAbsent(String publicationName, List<TableName> tables, boolean publishViaPartitionRoot)
            throws SQLException
    {
        requireNonNull(tables, "tables is null");
        if (publicationExists(publicationName)) {
            return false;
        }
        StringBuilder sql = new StringBuilder("CREATE PUBLICATION ").append(Identifiers.quote(publicationName));
        if (!tables.isEmpty()) {
            sql.append(" FOR TABLE ").append(tables.stream().map(TableName::quoted).collect(Collectors.joining(", ")));
        }
        if (publishViaPartitionRoot) {
            if (serverMajorVersion < 13) {
                throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED, "publish_via_partition_root needs Postgres 13 or newer, the source runs " + serverMajorVersion);
            }
            sql.append(" WITH (publish_via_partition_root = true)");
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql.toString());
        }
        catch (SQLException e) {
            if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
        log.info("Created publication {} for {}", publicationName, tables.isEmpty() ? "no tables yet" : tables);
        return true;
    }

    /**
     * Starts streaming from the slot. Logical decoding messages ({@code pg_logical_emit_message})
     * are requested on Postgres 14 and newer, where {@code pgoutput} can send them.
     */
    public ReplicationStream startStream(StreamOptions options)
            throws SQLException
    {
        requireNonNull(options, "options is null");
        if (options.protocolVersion() >= 2 && serverMajorVersion < 14) {
            throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED, "pgoutput protocol version 2 needs Postgres 14 or newer, the source runs " + serverMajorVersion);
        }
        ChainedLogicalStreamBuilder builder = connection.unwrap(PGConnection.class).getReplicationAPI()
                .replicationStream()
                .logical()
                .withSlotName(options.slotName())
                .withSlotOption("proto_version", String.valueOf(options.protocolVersion()))
                .withSlotOption("publication_names", String.join(",", options.publicationNames()))
                .withStartPosition(LogSequenceNumber.valueOf(options.startPosition().asLong()))
                .withStatusInterval(Math.toIntExact(Math.max(1, options.statusInterval().toMillis())), TimeUnit.MILLISECONDS)
                // the driver would otherwise confirm a keepalive's position on its own whenever the last message received
                // starts before the confirmed position, which with interleaved transactions can be a change not stored yet:
                // Sluice confirms only what its store holds (ReplicationStream.confirm)
                .withAutomaticFlush(false);
        if (serverMajorVersion >= 14) {
            builder.withSlotOption("messages", "true");
        }
        if (options.streamInProgressTransactions()) {
            builder.withSlotOption("streaming", "on");
        }
        PGReplicationStream stream = builder.start();
        return new ReplicationStream(stream, options.protocolVersion());
    }

    /** The current end of the server's WAL ({@code pg_current_wal_lsn()}). */
    public Lsn currentWalPosition()
            throws SQLException
    {
        try (Statement statement = connection.createStatement();
                ResultSet results = statement.executeQuery("SELECT pg_catalog.pg_current_wal_lsn()::text")) {
            results.next();
            return Lsn.parse(results.getString(1));
        }
    }

    @Override
    public void close()
            throws SQLException
    {
        connection.close();
    }

    private void checkUsable(ReplicationSlot slot)
            throws SQLException
    {
        if (!slot.plugin().equals(OUTPUT_PLUGIN)) {
            throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED,
                    "replication slot " + slot.name() + " uses plugin '" + slot.plugin() + "', Sluice needs " + OUTPUT_PLUGIN);
        }
        String database = connection.getCatalog();
        if (!slot.database().equals(database)) {
            throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED,
                    "replication slot " + slot.name() + " belongs to database '" + slot.database() + "', not '" + database + "'");
        }
        if (slot.isLost()) {
            throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED,
                    "replication slot " + slot.name() + " was invalidated (the server removed WAL it needed, see max_slot_wal_keep_size); "
                            + "drop it and start again with a backfill");
        }
    }
}
