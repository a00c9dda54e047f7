package dev.sluice.store;

import dev.sluice.core.Lsn;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;

import static java.util.Objects.requireNonNull;

/**
 * The metadata store: one Postgres database shared by the control plane and the data plane.
 */
public final class Store
{
    public static final String CHANGELOG = "db/changelog/db.changelog-master.yaml";

    private final Jdbi jdbi;
    private final DataSource dataSource;

    public Store(DataSource dataSource)
    {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.jdbi = Jdbi.create(dataSource)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin())
                .registerArgument(new AccountIdArgumentFactory())
                .registerArgument(new ConsumerIdArgumentFactory())
                .registerArgument(new SourceIdArgumentFactory())
                .registerColumnMapper(ConsumerId.class, (resultSet, column, context) -> nullOr(resultSet.getString(column), ConsumerId::new))
                .registerColumnMapper(SourceId.class, (resultSet, column, context) -> nullOr(resultSet.getString(column), SourceId::new))
                .registerArgument(new LsnArgumentFactory())
                // an LSN is stored as its 64 bits in a bigint, which SQL orders as signed: see SourceStateDao for comparing two
                .registerColumnMapper(Lsn.class, (resultSet, column, context) -> Lsn.valueOf(resultSet.getLong(column)));
    }

    public Jdbi jdbi()
    {
        return jdbi;
    }

    public DataSource dataSource()
    {
        return dataSource;
    }

    public <R, X extends Exception> R inTransaction(HandleCallback<R, X> callback)
            throws X
    {
        return jdbi.inTransaction(callback);
    }

    public <X extends Exception> void useTransaction(HandleConsumer<X> consumer)
            throws X
    {
        jdbi.useTransaction(consumer);
    }

    public <X extends Exception> void useHandle(HandleConsumer<X> consumer)
            throws X
    {
        jdbi.useHandle(consumer);
    }

    public <R, X extends Exception> R withHandle(HandleCallback<R, X> callback)
            throws X
    {
        return jdbi.withHandle(callback);
    }

    public <T> T onDemand(Class<T> dao)
    {
        return jdbi.onDemand(dao);
    }

    /** Brings the schema up to date; safe to run on every start and from several nodes. */
    public static void migrate(DataSource dataSource)
    {
        migrate(dataSource, CHANGELOG);
    }

    /** Applies the changesets of {@code changelog} (a classpath resource) not applied yet; tests use it to build older schemas. */
    public static void migrate(DataSource dataSource, String changelog)
    {
        // the change summary goes to the log too, not to the console
        if (System.getProperty("liquibase.showSummaryOutput") == null) {
            System.setProperty("liquibase.showSummaryOutput", "log");
        }
        try (Connection connection = dataSource.getConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            try (Liquibase migration = new Liquibase(changelog, new ClassLoaderResourceAccessor(Store.class.getClassLoader()), database)) {
                // progress goes to the log, not straight to the console
                liquibase.Scope.child(Map.of(liquibase.Scope.Attr.ui.name(), new liquibase.ui.LoggerUIService()), () -> migration.update(""));
            }
        }
        catch (SQLException | LiquibaseException e) {
            throw new IllegalStateException("metadata store migration failed: " + e.getMessage(), e);
        }
        catch (Exception e) {
            throw new IllegalStateException("metadata store migration failed: " + e.getMessage(), e);
        }
    }

    private static final class AccountIdArgumentFactory
            extends AbstractArgumentFactory<AccountId>
    {
        AccountIdArgumentFactory()
        {
            super(Types.VARCHAR);
        }

        @Override
        protected Argument build(AccountId value, ConfigRegistry config)
        {
            return (position, statement, context) -> statement.setString(position, value.value());
        }
    }

    private static <T> T nullOr(String text, Function<String, T> id)
    {
        return text == null ? null : id.apply(text);
    }

    private static final class ConsumerIdArgumentFactory
            extends AbstractArgumentFactory<ConsumerId>
    {
        ConsumerIdArgumentFactory()
        {
            super(Types.VARCHAR);
        }

        @Override
        protected Argument build(ConsumerId value, ConfigRegistry config)
        {
            return (position, statement, context) -> statement.setString(position, value.value());
        }
    }

    private static final class SourceIdArgumentFactory
            extends AbstractArgumentFactory<SourceId>
    {
        SourceIdArgumentFactory()
        {
            super(Types.VARCHAR);
        }

        @Override
        protected Argument build(SourceId value, ConfigRegistry config)
        {
            return (position, statement, context) -> statement.setString(position, value.value());
        }
    }

    /** Binds an {@link Lsn} as its 64 bits in a bigint (above 2^63 a negative number). */
    private static final class LsnArgumentFactory
            extends AbstractArgumentFactory<Lsn>
    {
        LsnArgumentFactory()
        {
            super(Types.BIGINT);
        }

        @Override
        protected Argument build(Lsn value, ConfigRegistry config)
        {
            return (position, statement, context) -> statement.setLong(position, value.asLong());
        }
    }
}
