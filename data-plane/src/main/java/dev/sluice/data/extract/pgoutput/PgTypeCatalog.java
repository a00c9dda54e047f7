package dev.sluice.data.extract.pgoutput;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * A {@link TypeCatalog} that reads {@code pg_type} of the source over a (non-replication) JDBC
 * connection the caller owns, once per type. Types never change meaning under an OID, so the cache is
 * never invalidated. Thread-safe as far as the connection is.
 */
public final class PgTypeCatalog
        implements TypeCatalog
{
    private final Connection connection;
    private final Map<Integer, Optional<UserType>> types = new ConcurrentHashMap<>();

    public PgTypeCatalog(Connection connection)
    {
        this.connection = requireNonNull(connection, "connection is null");
    }

    @Override
    public Optional<UserType> describe(int oid)
    {
        return types.computeIfAbsent(oid, this::read);
    }

    private Optional<UserType> read(int oid)
    {
        String sql = "select typbasetype, case when typcategory = 'A' then typelem else 0 end as element from pg_type where oid = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, Integer.toUnsignedLong(oid));
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                return Optional.of(new UserType(oid, (int) result.getLong(1), (int) result.getLong(2)));
            }
        }
        catch (SQLException e) {
            throw new PgOutputException("cannot read type " + Integer.toUnsignedString(oid) + " from the source: " + e.getMessage(), e);
        }
    }
}
