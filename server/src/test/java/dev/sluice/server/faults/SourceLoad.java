package dev.sluice.server.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static java.util.Objects.requireNonNull;

/**
 * Continuous writes to several tables of a source, in transactions of one to four changes: inserts of new
 * rows (version 1), updates (version + 1) and deletes. It reconnects when the source goes away and carries
 * on; a transaction whose commit got no answer is left for the final read of the tables to settle.
 */
final class SourceLoad
        implements AutoCloseable
{
    private final String url;
    private final String user;
    private final String password;
    private final List<String> tables;
    private final int transactionsPerSecond;
    private final Random random;
    private final Thread thread;
    private final Map<String, Map<Long, Long>> live = new HashMap<>();
    private final Set<String> committedInserts = new HashSet<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long nextId = 1;
    private volatile boolean running = true;

    SourceLoad(String url, String user, String password, List<String> tables, int transactionsPerSecond, long seed)
    {
        this.url = requireNonNull(url, "url is null");
        this.user = requireNonNull(user, "user is null");
        this.password = requireNonNull(password, "password is null");
        this.tables = List.copyOf(tables);
        this.transactionsPerSecond = transactionsPerSecond;
        this.random = new Random(seed);
        tables.forEach(table -> live.put(table, new HashMap<>()));
        thread = new Thread(this::run, "source-load");
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    long committedTransactions()
    {
        return committed.get();
    }

    long failedTransactions()
    {
        return failed.get();
    }

    private void run()
    {
        long interval = TimeUnit.SECONDS.toNanos(1) / transactionsPerSecond;
        long next = System.nanoTime();
        Connection connection = null;
        while (running) {
            // pacing of the load, not a wait for a result
            LockSupport.parkNanos(next - System.nanoTime());
            next = Math.max(next + interval, System.nanoTime() - interval * 10);
            try {
                if (connection == null) {
                    connection = connect();
                    reload(connection);
                }
                writeOneTransaction(connection);
                committed.incrementAndGet();
            }
            catch (SQLException e) {
                failed.incrementAndGet();
                close(connection);
                connection = null;
                // the source is restarting: try again a little later
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
        close(connection);
    }

    private Connection connect()
            throws SQLException
    {
        Connection connection = DriverManager.getConnection(url, user, password);
        connection.setAutoCommit(false);
        return connection;
    }

    /** After a lost connection the last commit's outcome is unknown: the tables tell which rows exist now. */
    private void reload(Connection connection)
            throws SQLException
    {
        for (String table : tables) {
            Map<Long, Long> rows = live.get(table);
            rows.clear();
            try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("select id, version from " + table)) {
                while (result.next()) {
                    rows.put(result.getLong(1), result.getLong(2));
                    synchronized (committedInserts) {
                        committedInserts.add(table + ":" + result.getLong(1));
                    }
                    nextId = Math.max(nextId, result.getLong(1) + 1);
                }
            }
            connection.commit();
        }
    }

    private void writeOneTransaction(Connection connection)
            throws SQLException
    {
        int changes = 1 + random.nextInt(4);
        Map<String, Map<Long, Long>> written = new HashMap<>();
        List<String> inserted = new ArrayList<>();
        for (int change = 0; change < changes; change++) {
            String table = tables.get(random.nextInt(tables.size()));
            Map<Long, Long> rows = new HashMap<>(live.get(table));
            rows.putAll(written.getOrDefault(table, Map.of()));
            rows.values().removeIf(version -> version < 0);
            int roll = random.nextInt(100);
            if (rows.size() < 20 || roll < 25) {
                long id = nextId++;
                execute(connection, "insert into " + table + " (id, version, payload) values (?, 1, ?)", id, "row " + id + " " + "x".repeat(random.nextInt(200)));
                written.computeIfAbsent(table, ignored -> new HashMap<>()).put(id, 1L);
                inserted.add(table + ":" + id);
            }
            else {
                List<Long> ids = new ArrayList<>(rows.keySet());
                long id = ids.get(random.nextInt(ids.size()));
                if (roll < 92) {
                    execute(connection, "update " + table + " set version = version + 1, payload = ? where id = ?", "updated " + random.nextInt(), id);
                    written.computeIfAbsent(table, ignored -> new HashMap<>()).put(id, rows.get(id) + 1);
                }
                else {
                    execute(connection, "delete from " + table + " where id = ?", id);
                    // a deleted row is never written again
                    written.computeIfAbsent(table, ignored -> new HashMap<>()).put(id, -1L);
                }
            }
        }
        connection.commit();
        written.forEach((table, rows) -> rows.forEach((id, version) -> {
            if (version < 0) {
                live.get(table).remove(id);
            }
            else {
                live.get(table).put(id, version);
            }
        }));
        synchronized (committedInserts) {
            committedInserts.addAll(inserted);
        }
    }

    private static void execute(Connection connection, String sql, Object... parameters)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int index = 0; index < parameters.length; index++) {
                statement.setObject(index + 1, parameters[index]);
            }
            statement.executeUpdate();
        }
    }

    /** Stops writing and returns every row's final state, read from the source: what consumers must end with. */
    Map<String, History.Committed> stopAndReadFinalState()
            throws SQLException, InterruptedException
    {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(60));
        Map<String, History.Committed> state = new HashMap<>();
        synchronized (committedInserts) {
            committedInserts.forEach(key -> state.put(key, History.Committed.deleted()));
        }
        try (Connection connection = DriverManager.getConnection(url, user, password); Statement statement = connection.createStatement()) {
            for (String table : tables) {
                try (ResultSet result = statement.executeQuery("select id, version from " + table)) {
                    while (result.next()) {
                        state.put(table + ":" + result.getLong(1), History.Committed.present(result.getLong(2)));
                    }
                }
            }
        }
        return state;
    }

    private static void close(Connection connection)
    {
        if (connection != null) {
            try {
                connection.close();
            }
            catch (SQLException ignored) {
                // the connection is already gone
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
    }
}
