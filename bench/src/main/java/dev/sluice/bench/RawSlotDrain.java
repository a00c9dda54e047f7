package dev.sluice.bench;

import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The physical limit: a pgoutput replication stream read in a tight loop that does nothing with the bytes
 * but count the row changes and confirm what it read.
 */
final class RawSlotDrain
{
    private static final String SLOT = "bench_raw";
    private static final String PUBLICATION = "bench_raw";

    private final SourceDb source;

    RawSlotDrain(SourceDb source)
    {
        this.source = source;
    }

    /** Creates the slot and publication, so that the WAL written after this call waits for {@link #drain}. */
    void prepare()
    {
        source.execute("create publication " + PUBLICATION + " for table " + SourceDb.TABLE);
        source.execute("select pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
    }

    /** Reads row changes until {@code expected} have arrived; returns how many seconds that took from the first one. */
    double drain(long expected)
            throws SQLException
    {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, SourceDb.USER);
        PGProperty.PASSWORD.set(properties, SourceDb.PASSWORD);
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "12");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        try (Connection connection = DriverManager.getConnection(source.jdbcUrl(), properties)) {
            PGReplicationStream stream = connection.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(SLOT)
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", PUBLICATION)
                    .withStatusInterval(10, TimeUnit.SECONDS)
                    .start();
            long changes = 0;
            long first = 0;
            while (changes < expected) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    LockSupport.parkNanos(100_000);
                    continue;
                }
                byte kind = message.get(message.position());
                if (kind == 'I' || kind == 'U' || kind == 'D') {
                    if (changes == 0) {
                        first = System.nanoTime();
                    }
                    changes++;
                }
                else if (kind == 'C') {
                    LogSequenceNumber lsn = stream.getLastReceiveLSN();
                    stream.setAppliedLSN(lsn);
                    stream.setFlushedLSN(lsn);
                }
            }
            double seconds = (System.nanoTime() - first) / 1e9;
            stream.forceUpdateStatus();
            stream.close();
            return seconds;
        }
    }

    /** Counts the row changes waiting in the slot without consuming them. */
    long pendingChanges()
    {
        try (Connection connection = source.connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select count(*) from pg_logical_slot_peek_binary_changes('" + SLOT + "', null, null, "
                        + "'proto_version', '1', 'publication_names', '" + PUBLICATION + "') where substr(data, 1, 1) in ('\\x49', '\\x55', '\\x44')")) {
            rs.next();
            return rs.getLong(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
