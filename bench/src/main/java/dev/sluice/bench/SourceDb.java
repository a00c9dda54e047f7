package dev.sluice.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The source database of the benchmark: an embedded Postgres with logical replication and the benchmark
 * table, and the workload written into it.
 */
final class SourceDb
        implements Closeable
{
    static final String DATABASE = "postgres";
    static final String USER = "bench";
    static final String PASSWORD = "bench-password";
    static final String TABLE = "bench_records";

    private final EmbeddedPostgres postgres;
    private long nextDeleteId = 1;

    SourceDb()
    {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "256MB")
                    // as a production source commits: WAL flushed at commit, so a walsender sends a transaction as soon as it
                    // commits (the embedded binaries default to asynchronous commit, which holds it up to the WAL writer's 200 ms)
                    .setServerConfig("synchronous_commit", "on")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        execute("set password_encryption = 'scram-sha-256'; create role " + USER + " with login replication superuser password '" + PASSWORD + "'");
        execute("""
                create table %s (
                    id bigserial primary key,
                    string_field text,
                    numeric_field numeric,
                    timestamp_field timestamptz,
                    json_field jsonb,
                    inserted_at timestamptz not null default clock_timestamp(),
                    updated_at timestamptz not null default clock_timestamp()
                );
                alter table %s owner to %s;
                """.formatted(TABLE, TABLE, USER));
    }

    int port()
    {
        return postgres.getPort();
    }

    String jdbcUrl()
    {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    Connection connect()
            throws SQLException
    {
        return postgres.getPostgresDatabase().getConnection();
    }

    void execute(String sql)
    {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    String serverVersion()
    {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("show server_version")) {
            rs.next();
            return rs.getString(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long currentWalLsn()
    {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select pg_current_wal_lsn() - '0/0'")) {
            rs.next();
            return rs.getLong(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code rows} changes in transactions of {@code rowsPerTransaction}, at most {@code ratePerSecond} rows
     * per second (0: as fast as possible). A mixed workload makes every tenth change an update and every
     * twentieth a delete of an earlier row. Returns how many changes were written.
     */
    long write(long rows, int rowsPerTransaction, int jsonBytes, boolean mixed, int ratePerSecond)
    {
        String padding = "x".repeat(Math.max(0, jsonBytes - 40));
        long written = 0;
        long started = System.nanoTime();
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into " + TABLE + " (string_field, numeric_field, timestamp_field, json_field) values (?, ?, now(), cast(? as jsonb))");
                    PreparedStatement update = connection.prepareStatement("update " + TABLE + " set string_field = ?, updated_at = clock_timestamp() where id = ?");
                    PreparedStatement delete = connection.prepareStatement("delete from " + TABLE + " where id = ?")) {
                while (written < rows) {
                    int batch = (int) Math.min(rowsPerTransaction, rows - written);
                    for (int i = 0; i < batch; i++) {
                        long n = written + i;
                        if (mixed && n % 20 == 19 && nextDeleteId < n / 2) {
                            delete.setLong(1, nextDeleteId++);
                            delete.addBatch();
                        }
                        else if (mixed && n % 10 == 9) {
                            update.setString(1, "updated-" + n);
                            update.setLong(2, 1 + ThreadLocalRandom.current().nextLong(Math.max(1, n / 2)));
                            update.addBatch();
                        }
                        else {
                            insert.setString(1, "row-" + n);
                            insert.setBigDecimal(2, new BigDecimal(n).movePointLeft(2));
                            insert.setString(3, "{\"n\": " + n + ", \"padding\": \"" + padding + "\"}");
                            insert.addBatch();
                        }
                    }
                    insert.executeBatch();
                    update.executeBatch();
                    delete.executeBatch();
                    connection.commit();
                    written += batch;
                    if (ratePerSecond > 0) {
                        long due = started + (long) (written * 1e9 / ratePerSecond);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                }
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return written;
    }

    @Override
    public void close()
    {
        try {
            postgres.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
