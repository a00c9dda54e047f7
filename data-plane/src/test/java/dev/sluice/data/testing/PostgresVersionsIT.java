package dev.sluice.data.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every Postgres version the build provides starts with logical decoding on and hands a committed
 * insert to pgoutput, the plugin Sluice reads from.
 */
class PostgresVersionsIT
{
    static List<Integer> majorVersions()
    {
        List<Integer> available = PostgresVersions.available();
        // An empty source would pass as "no tests"; say instead that the binaries were not copied.
        assertThat(available).as("Postgres binaries copied by the build").isNotEmpty();
        return available;
    }

    @Test
    void providesEveryPinnedMajorVersion()
    {
        assertThat(PostgresVersions.available()).containsExactly(12, 14, 15, 16, 17, 18);
    }

    @ParameterizedTest(name = "Postgres {0}")
    @MethodSource("majorVersions")
    void decodesAnInsertWithPgOutput(int major)
            throws Exception
    {
        try (EmbeddedPostgres postgres = PostgresVersions.start(major, Map.of("max_replication_slots", "4"));
                Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            assertThat(queryLong(statement, "SELECT current_setting('server_version_num')::integer / 10000")).isEqualTo(major);
            statement.execute("CREATE TABLE items (id integer PRIMARY KEY, name text)");
            statement.execute("CREATE PUBLICATION p FOR TABLE items");
            statement.execute("SELECT pg_create_logical_replication_slot('s', 'pgoutput')");
            statement.execute("INSERT INTO items VALUES (1, 'one')");

            List<Character> messageTypes = new ArrayList<>();
            try (ResultSet changes = statement.executeQuery(
                    "SELECT data FROM pg_logical_slot_get_binary_changes('s', NULL, NULL, 'proto_version', '1', 'publication_names', 'p')")) {
                while (changes.next()) {
                    messageTypes.add((char) changes.getBytes(1)[0]);
                }
            }

            assertThat(messageTypes).contains('B', 'R', 'I', 'C');
        }
    }

    @Test
    void startsTheSameVersionTwiceAtOnce()
            throws Exception
    {
        int major = majorVersions().get(majorVersions().size() - 1);
        try (EmbeddedPostgres first = PostgresVersions.start(major, Map.of());
                EmbeddedPostgres second = PostgresVersions.start(major, Map.of())) {
            assertThat(first.getPort()).isNotEqualTo(second.getPort());
            for (EmbeddedPostgres postgres : List.of(first, second)) {
                try (Connection connection = postgres.getPostgresDatabase().getConnection();
                        Statement statement = connection.createStatement()) {
                    assertThat(queryLong(statement, "SELECT count(*) FROM pg_settings WHERE name = 'wal_level' AND setting = 'logical'")).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void refusesAVersionTheBuildDidNotCopy()
    {
        assertThatThrownBy(() -> PostgresVersions.start(9, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No Postgres 9 binaries");
        assertThatThrownBy(() -> PostgresVersions.start(majorVersions().get(0), Map.of("wal_level", "replica")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wal_level must be logical");
    }

    private static long queryLong(Statement statement, String sql)
            throws SQLException
    {
        try (ResultSet results = statement.executeQuery(sql)) {
            assertThat(results.next()).as(sql).isTrue();
            return results.getLong(1);
        }
    }
}
