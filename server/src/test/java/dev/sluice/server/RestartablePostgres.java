package dev.sluice.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.sql.DataSource;

import static java.util.Objects.requireNonNull;

/**
 * A real Postgres server that keeps its data directory and port across restarts, so clients reconnect to
 * the same server, and that can be shut down the way an operator or a crash would: a fast shutdown
 * (SIGINT: connections ended, a checkpoint written) or an immediate one (SIGQUIT: no checkpoint, crash
 * recovery at the next start).
 */
public final class RestartablePostgres
        implements AutoCloseable
{
    public enum Shutdown
    {
        FAST("-INT"),
        IMMEDIATE("-QUIT");

        private final String signal;

        Shutdown(String signal)
        {
            this.signal = signal;
        }
    }

    private final Path dataDirectory;
    private final Map<String, String> serverConfig;
    private final int port;
    private volatile EmbeddedPostgres postgres;
    private boolean closed;

    private RestartablePostgres(Path dataDirectory, Map<String, String> serverConfig, int port, EmbeddedPostgres postgres)
    {
        this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
        this.serverConfig = Map.copyOf(serverConfig);
        this.port = port;
        this.postgres = requireNonNull(postgres, "postgres is null");
    }

    /** Creates a new data directory and starts a server on a free port with the given settings. */
    public static RestartablePostgres start(Map<String, String> serverConfig)
    {
        try {
            Path dataDirectory = Files.createTempDirectory("sluice-postgres");
            EmbeddedPostgres postgres = launch(dataDirectory, serverConfig, 0);
            return new RestartablePostgres(dataDirectory, serverConfig, postgres.getPort(), postgres);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedPostgres launch(Path dataDirectory, Map<String, String> serverConfig, int port)
            throws IOException
    {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                // the directory outlives each server process; close() removes it
                .setCleanDataDirectory(false)
                // a commit that returned must survive an immediate shutdown: the embedded binaries default to
                // asynchronous commit, under which the last few hundred milliseconds of commits are lost
                .setServerConfig("synchronous_commit", "on");
        if (port != 0) {
            builder.setPort(port);
        }
        serverConfig.forEach(builder::setServerConfig);
        return builder.start();
    }

    public int port()
    {
        return port;
    }

    public Path dataDirectory()
    {
        return dataDirectory;
    }

    public DataSource dataSource(String user, String database)
    {
        return postgres.getDatabase(user, database);
    }

    /** Shuts the server down with the given mode, waits for it to exit, and starts it again on the same port and data. */
    public synchronized void restart(Shutdown mode)
    {
        stop(mode);
        start();
    }

    /** Starts the server again after {@link #stop}, on the same port and data. */
    public synchronized void start()
    {
        try {
            postgres = launch(dataDirectory, serverConfig, port);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signals the postmaster and waits until it has exited; clients see their connections end. */
    public synchronized void stop(Shutdown mode)
    {
        try {
            // the postmaster's process id is the first line of postmaster.pid (the server was started by pg_ctl)
            long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("Postgres " + pid + " is not running"));
            Process kill = new ProcessBuilder("kill", mode.signal, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("cannot signal Postgres " + pid);
            }
            postmaster.onExit().get(120, TimeUnit.SECONDS);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Postgres did not stop within 120 s after " + mode, e);
        }
        release();
    }

    private void release()
    {
        try {
            // the server is gone: this releases the data directory's lock (pg_ctl stop finds nothing to stop)
            postgres.close();
        }
        catch (IOException | RuntimeException ignored) {
            // nothing left to stop
        }
    }

    /** Stops the server and removes its data; closing again does nothing. */
    @Override
    public synchronized void close()
    {
        if (closed) {
            return;
        }
        closed = true;
        try {
            postgres.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
