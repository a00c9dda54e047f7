package dev.sluice.server;


import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A real Postgres playing a user's source database: password authentication for everyone but the
 * superuser, a chosen {@code wal_level}, and roles with and without the REPLICATION attribute.
 */
public final class SourcePostgres
        implements AutoCloseable
{
    public static final String DATABASE = "app";
    public static final String REPLICATOR = "replicator";
    public static final String REPLICATOR_PASSWORD = "s3cret-replicator";
    public static final String PLAIN_USER = "plain";
    public static final String PLAIN_PASSWORD = "s3cret-plain";

    private static SourcePostgres logical;
    private static SourcePostgres replicaLevel;

    private final RestartablePostgres postgres;

    private SourcePostgres(String walLevel)
            throws IOException, SQLException
    {
        postgres = RestartablePostgres.start(Map.of(
                "wal_level", walLevel,
                "max_replication_slots", "100",
                "max_wal_senders", "100",
                "max_connections", "400"));
        Files.writeString(postgres.dataDirectory().resolve("pg_hba.conf"), """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all postgres ::1/128 trust
                host all all 127.0.0.1/32 scram-sha-256
                host all all ::1/128 scram-sha-256
                host replication postgres 127.0.0.1/32 trust
                host replication all 127.0.0.1/32 scram-sha-256
                """);
        superuser("postgres", "select pg_reload_conf()");
        superuser("postgres", "set password_encryption = 'scram-sha-256'; create role " + REPLICATOR + " with login replication password '" + REPLICATOR_PASSWORD + "'");
        superuser("postgres", "set password_encryption = 'scram-sha-256'; create role " + PLAIN_USER + " with login password '" + PLAIN_PASSWORD + "'");
        superuser("postgres", "create database " + DATABASE + " owner " + REPLICATOR);
        superuser(DATABASE, "grant all on schema public to " + PLAIN_USER + ", " + REPLICATOR);
    }

    /** A source ready for logical replication. */
    public static synchronized SourcePostgres logical()
    {
        if (logical == null) {
            logical = start("logical");
        }
        return logical;
    }

    /** A logical-replication source of the caller's own, which the caller closes (to see what a source going away does). */
    public static SourcePostgres dedicated()
    {
        return start("logical");
    }

    /** A source whose wal_level is replica: not ready for logical replication. */
    public static synchronized SourcePostgres replicaLevel()
    {
        if (replicaLevel == null) {
            replicaLevel = start("replica");
        }
        return replicaLevel;
    }

    private static SourcePostgres start(String walLevel)
    {
        try {
            SourcePostgres source = new SourcePostgres(walLevel);
            Runtime.getRuntime().addShutdownHook(new Thread(source::close));
            return source;
        }
        catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot start a source Postgres", e);
        }
    }

    public int port()
    {
        return postgres.port();
    }

    /** Shuts the server down (fast or immediate) and starts it again with the same data on the same port. */
    public void restart(RestartablePostgres.Shutdown mode)
    {
        postgres.restart(mode);
    }

    /**
     * Runs SQL in a database of this server: in the application database as the replicator, who then owns
     * the tables it creates (publishing a table takes ownership), elsewhere as the superuser.
     */
    public void execute(String database, String sql)
    {
        try (Connection connection = postgres.dataSource("postgres", database).getConnection(); Statement statement = connection.createStatement()) {
            if (database.equals(DATABASE)) {
                statement.execute("set role " + REPLICATOR);
            }
            statement.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** The server's major version (12 to 18). */
    public int majorVersion()
    {
        try (Connection connection = postgres.dataSource("postgres", DATABASE).getConnection()) {
            return connection.getMetaData().getDatabaseMajorVersion();
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops a slot, ending the connection that streams from it first (retried while it is still active). */
    public void dropSlot(String slot)
    {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            superuser(DATABASE, "select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = '" + slot + "' and active_pid is not null");
            superuser(DATABASE, "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '" + slot + "'");
            return true;
        });
    }

    /** The first column of the first row of a query run as the superuser, or null when it has no rows. */
    public String query(String sql)
    {
        try (Connection connection = postgres.dataSource("postgres", DATABASE).getConnection(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getString(1) : null;
        }
        catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs SQL as the superuser (server settings, checkpoints). */
    public void superuser(String database, String sql)
    {
        try (Connection connection = postgres.dataSource("postgres", database).getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** A JSON body creating a source on this server, for the replicator role. */
    public String sourceJson(String name, String extraFields)
    {
        return """
                {"name": "%s", "host": "127.0.0.1", "port": %d, "database": "%s", "username": "%s", "password": "%s"%s}
                """.formatted(name, port(), DATABASE, REPLICATOR, REPLICATOR_PASSWORD, extraFields.isEmpty() ? "" : ", " + extraFields);
    }

    @Override
    public void close()
    {
        postgres.close();
    }
}
