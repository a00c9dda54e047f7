package dev.sluice.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;

import static java.util.Objects.requireNonNull;

/**
 * A real Postgres server run from the Sluice process, for {@code sluice dev} and tests. Its data directory
 * survives restarts; {@code wal_level=logical} lets the same server act as a demo source.
 */
public final class EmbeddedMetadataPostgres
        implements Closeable
{
    private final EmbeddedPostgres postgres;

    private EmbeddedMetadataPostgres(EmbeddedPostgres postgres)
    {
        this.postgres = postgres;
    }

    /** Starts (or restarts, keeping its data) a server in {@code dataDirectory}; {@code port} 0 picks a free one. */
    public static EmbeddedMetadataPostgres start(Path dataDirectory, int port)
    {
        requireNonNull(dataDirectory, "dataDirectory is null");
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "200")
                    // an acknowledgement or a stored message that was answered with success survives a crash of
                    // the server (the embedded binaries otherwise default to asynchronous commit)
                    .setServerConfig("synchronous_commit", "on");
            if (port > 0) {
                builder.setPort(port);
            }
            return new EmbeddedMetadataPostgres(builder.start());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Postgres in " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    public int port()
    {
        return postgres.getPort();
    }

    public String jdbcUrl(String database)
    {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public DataSource dataSource(String database)
    {
        return postgres.getDatabase("postgres", database);
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
