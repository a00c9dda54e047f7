package dev.sluice.control.source;

import dev.sluice.source.SourceAdmin;
import dev.sluice.source.SourceConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.sluice.control.source.CheckResult.Status.FAILED;
import static dev.sluice.control.source.CheckResult.Status.OK;
import static dev.sluice.control.source.CheckResult.Status.SKIPPED;
import static java.util.Objects.requireNonNull;

/**
 * Connects to a source database and reports, check by check, what logical replication would need that
 * is missing. Later checks are skipped when an earlier one they depend on failed.
 */
public final class SourceChecker
{
    public static final int MINIMUM_SERVER_VERSION = 120000;
    private static final List<String> ALL = List.of("connect", "authenticate", "database", "server_version", "wal_level", "replication_privilege", "publication", "slot");

    private final Duration connectTimeout;
    private final Clock clock;

    public SourceChecker(Duration connectTimeout, Clock clock)
    {
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Duration connectTimeout()
    {
        return connectTimeout;
    }

    public CheckResult check(SourceConnection source)
    {
        List<CheckResult.Check> checks = new ArrayList<>();
        Optional<String> version = Optional.empty();
        String reachability = reach(source);
        if (reachability != null) {
            checks.add(new CheckResult.Check("connect", FAILED, reachability));
            return finish(checks, version);
        }
        checks.add(new CheckResult.Check("connect", OK, "reached " + source.host() + ":" + source.port()));
        try (Connection connection = open(source)) {
            checks.add(new CheckResult.Check("authenticate", OK, "logged in as " + source.username()));
            checks.add(new CheckResult.Check("database", OK, "database " + source.database() + " exists"));
            int versionNumber = intQuery(connection, "select current_setting('server_version_num')::int");
            String versionText = stringQuery(connection, "show server_version");
            version = Optional.of(versionText);
            if (versionNumber < MINIMUM_SERVER_VERSION) {
                checks.add(new CheckResult.Check("server_version", FAILED, "Postgres " + versionText + " is too old; Sluice needs Postgres 12 or newer"));
            }
            else {
                checks.add(new CheckResult.Check("server_version", OK, "Postgres " + versionText));
            }
            String walLevel = stringQuery(connection, "show wal_level");
            if ("logical".equals(walLevel)) {
                checks.add(new CheckResult.Check("wal_level", OK, "wal_level is logical"));
            }
            else {
                checks.add(new CheckResult.Check("wal_level", FAILED,
                        "wal_level is '" + walLevel + "'; set wal_level = logical (ALTER SYSTEM SET wal_level = logical) and restart the server"));
            }
            boolean canReplicate = canReplicate(connection);
            if (canReplicate) {
                checks.add(new CheckResult.Check("replication_privilege", OK, "user " + source.username() + " may replicate"));
            }
            else {
                checks.add(new CheckResult.Check("replication_privilege", FAILED,
                        "user " + source.username() + " lacks the REPLICATION attribute; run ALTER ROLE " + SourceAdmin.quote(source.username()) + " WITH REPLICATION"));
            }
            checks.add(checkPublication(connection, source));
            checks.add(checkSlot(connection, source, canReplicate));
        }
        catch (SQLException e) {
            checks.add(connectionFailure(source, e));
        }
        return finish(checks, version);
    }

    private CheckResult finish(List<CheckResult.Check> checks, Optional<String> version)
    {
        List<CheckResult.Check> complete = new ArrayList<>(checks);
        for (String name : ALL) {
            if (complete.stream().noneMatch(check -> check.name().equals(name))) {
                complete.add(new CheckResult.Check(name, SKIPPED, "not checked: an earlier check failed"));
            }
        }
        return new CheckResult(clock.instant(), version, complete);
    }

    private String reach(SourceConnection source)
    {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(source.host(), source.port()), (int) connectTimeout.toMillis());
            return null;
        }
        catch (UnknownHostException e) {
            return "cannot resolve host '" + source.host() + "'";
        }
        catch (SocketTimeoutException e) {
            return "cannot reach " + source.host() + ":" + source.port() + " within " + connectTimeout.toSeconds() + " s (is a firewall dropping connections?)";
        }
        catch (IOException | IllegalArgumentException e) {
            return "cannot reach " + source.host() + ":" + source.port() + ": " + e.getMessage();
        }
    }

    private Connection open(SourceConnection source)
            throws SQLException
    {
        return DriverManager.getConnection(source.jdbcUrl(), source.jdbcProperties("sluice-check", connectTimeout));
    }

    private static CheckResult.Check connectionFailure(SourceConnection source, SQLException e)
    {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("28P01") || state.equals("28000")) {
            return new CheckResult.Check("authenticate", FAILED, "the server refused user " + source.username() + ": " + e.getMessage());
        }
        if (state.equals("3D000")) {
            return new CheckResult.Check("database", FAILED, "database " + source.database() + " does not exist");
        }
        if (state.startsWith("08")) {
            return new CheckResult.Check("authenticate", FAILED, "the server at " + source.host() + ":" + source.port() + " did not accept the connection: " + e.getMessage());
        }
        return new CheckResult.Check("authenticate", FAILED, "cannot log in: " + e.getMessage());
    }

    private static boolean canReplicate(Connection connection)
            throws SQLException
    {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("""
                        select r.rolsuper or r.rolreplication
                               or exists (select 1 from pg_roles m where m.rolname = 'rds_replication' and pg_has_role(current_user, m.oid, 'member'))
                        from pg_roles r where r.rolname = current_user
                        """)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static CheckResult.Check checkPublication(Connection connection, SourceConnection source)
            throws SQLException
    {
        boolean exists;
        try (PreparedStatement statement = connection.prepareStatement("select 1 from pg_publication where pubname = ?")) {
            statement.setString(1, source.publicationName());
            try (ResultSet rs = statement.executeQuery()) {
                exists = rs.next();
            }
        }
        if (exists) {
            return new CheckResult.Check("publication", OK, "publication " + source.publicationName() + " exists");
        }
        if (!source.managePublication()) {
            return new CheckResult.Check("publication", FAILED, "publication " + source.publicationName()
                    + " does not exist; create it (CREATE PUBLICATION " + SourceAdmin.quote(source.publicationName()) + " FOR TABLE ...) or let Sluice manage it");
        }
        boolean mayCreate = booleanQuery(connection, "select has_database_privilege(current_user, current_database(), 'CREATE') or (select rolsuper from pg_roles where rolname = current_user)");
        if (!mayCreate) {
            return new CheckResult.Check("publication", FAILED, "publication " + source.publicationName()
                    + " does not exist and user " + source.username() + " may not create it; GRANT CREATE ON DATABASE " + SourceAdmin.quote(source.database()) + " to the user, or create the publication yourself");
        }
        return new CheckResult.Check("publication", OK, "publication " + source.publicationName() + " will be created by Sluice");
    }

    private static CheckResult.Check checkSlot(Connection connection, SourceConnection source, boolean canReplicate)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement("select plugin, database from pg_replication_slots where slot_name = ?")) {
            statement.setString(1, source.slotName());
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    String plugin = rs.getString(1);
                    String database = rs.getString(2);
                    if (!"pgoutput".equals(plugin)) {
                        return new CheckResult.Check("slot", FAILED, "replication slot " + source.slotName() + " uses plugin '" + plugin + "'; Sluice needs a pgoutput slot");
                    }
                    if (!source.database().equals(database)) {
                        return new CheckResult.Check("slot", FAILED, "replication slot " + source.slotName() + " belongs to database " + database);
                    }
                    return new CheckResult.Check("slot", OK, "replication slot " + source.slotName() + " exists");
                }
            }
        }
        if (!source.manageSlot()) {
            return new CheckResult.Check("slot", FAILED, "replication slot " + source.slotName()
                    + " does not exist; create it (SELECT pg_create_logical_replication_slot('" + source.slotName() + "', 'pgoutput')) or let Sluice manage it");
        }
        if (!canReplicate) {
            return new CheckResult.Check("slot", FAILED, "replication slot " + source.slotName() + " does not exist and cannot be created without the REPLICATION attribute");
        }
        boolean free = booleanQuery(connection, "select count(*) < current_setting('max_replication_slots')::int from pg_replication_slots");
        if (!free) {
            return new CheckResult.Check("slot", FAILED, "every replication slot is in use (max_replication_slots); raise it or drop an unused slot");
        }
        return new CheckResult.Check("slot", OK, "replication slot " + source.slotName() + " will be created by Sluice");
    }

    private static int intQuery(Connection connection, String sql)
            throws SQLException
    {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String stringQuery(Connection connection, String sql)
            throws SQLException
    {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean booleanQuery(Connection connection, String sql)
            throws SQLException
    {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Opens a plain connection for introspection, with the same settings as the checks. */
    public Connection connect(SourceConnection source)
            throws SQLException
    {
        return open(source);
    }
}
