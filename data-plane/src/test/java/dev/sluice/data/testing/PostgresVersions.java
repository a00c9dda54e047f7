package dev.sluice.data.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Real Postgres servers of several major versions in one test run. The build copies one zonky
 * binaries jar per major version into {@code target/postgres-binaries} (see the data-plane pom);
 * they stay off the classpath, where only one version of an artifact fits, and each server is
 * started from its jar explicitly.
 *
 * <p>Use {@link #available()} as a JUnit {@code @MethodSource} and {@link #start} in the test;
 * close what it returns.
 */
public final class PostgresVersions
{
    /** Set by failsafe; the default is the same directory seen from the module, as Maven runs tests there. */
    static final String DIRECTORY_PROPERTY = "sluice.postgres-binaries.directory";
    private static final Path DEFAULT_DIRECTORY = Path.of("target", "postgres-binaries");
    /** initdb and the first start after unpacking are slow on a busy two-core machine. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private PostgresVersions() {}

    /** The major versions whose binaries the build copied, lowest first. */
    public static List<Integer> available()
    {
        return List.copyOf(PostgresBinaries.newestByMajor(directory()).keySet());
    }

    /**
     * Starts a new, empty server of {@code major} with {@code wal_level = logical},
     * {@code synchronous_commit = on} and the given settings on top, and checks that it reports the version of the binaries it was started from.
     */
    public static EmbeddedPostgres start(int major, Map<String, String> serverConfig)
            throws IOException
    {
        requireNonNull(serverConfig, "serverConfig is null");
        String walLevel = serverConfig.getOrDefault("wal_level", "logical");
        if (!walLevel.equals("logical")) {
            throw new IllegalArgumentException("wal_level must be logical for replication tests, not " + walLevel);
        }
        Path directory = directory();
        PostgresBinaries binaries = PostgresBinaries.newestByMajor(directory).get(major);
        if (binaries == null) {
            throw new IllegalArgumentException(String.format(
                    "No Postgres %d binaries in %s (available: %s); 'mvn verify' in data-plane copies them",
                    major, directory.toAbsolutePath(), available()));
        }

        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPgBinaryResolver(binaries)
                .setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("wal_level", "logical")
                // Zonky turns it off; then logical decoding, which reads only flushed WAL, sees a
                // commit only once the WAL writer gets to it. Cheap here: zonky runs with fsync off.
                .setServerConfig("synchronous_commit", "on");
        serverConfig.forEach(builder::setServerConfig);
        EmbeddedPostgres postgres = builder.start();
        try {
            checkVersion(postgres, binaries);
        }
        catch (SQLException | RuntimeException exception) {
            postgres.close();
            throw new IllegalStateException("Postgres started from " + binaries.jar() + " is not usable", exception);
        }
        return postgres;
    }

    private static void checkVersion(EmbeddedPostgres postgres, PostgresBinaries binaries)
            throws SQLException
    {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet results = statement.executeQuery("SHOW server_version")) {
            results.next();
            // Builds may append a note such as "(Debian 16.4-1)"; the number comes first.
            String running = results.getString(1).split(" ", 2)[0];
            if (!running.equals(binaries.serverVersion())) {
                throw new IllegalStateException(String.format(
                        "Binaries %s started Postgres %s, expected %s", binaries.version(), running, binaries.serverVersion()));
            }
        }
    }

    private static Path directory()
    {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        return configured == null ? DEFAULT_DIRECTORY : Path.of(configured);
    }
}
