package dev.sluice.store;

import dev.sluice.core.Lsn;
import dev.sluice.core.id.ResourceId;
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
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.ColumnMapperFactory;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Type;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.Optional;
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
                // every typed id (AccountId, SourceId, ConsumerId, BackfillId, ...) is stored as its text
                .registerArgument(new ResourceIdArgumentFactory())
                .registerColumnMapper(new ResourceIdColumnMapperFactory())
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

    /** Binds any {@link ResourceId} as its text. */
    private static final class ResourceIdArgumentFactory
            extends AbstractArgumentFactory<ResourceId>
    {
        ResourceIdArgumentFactory()
        {
            super(Types.VARCHAR);
        }

        @Override
        protected Argument build(ResourceId value, ConfigRegistry config)
        {
            return (position, statement, context) -> statement.setString(position, value.value());
        }
    }

    /** Reads a text column as whichever {@link ResourceId} record is asked for, through its constructor (which checks the text); null stays null. */
    private static final class ResourceIdColumnMapperFactory
            implements ColumnMapperFactory
    {
        @Override
        public Optional<ColumnMapper<?>> build(Type type, ConfigRegistry config)
        {
            Class<?> idType = GenericTypes.getErasedType(type);
            if (!idType.isRecord() || !ResourceId.class.isAssignableFrom(idType)) {
                return Optional.empty();
            }
            Function<String, ?> parse = parser(idType);
            return Optional.of((resultSet, column, context) -> nullOr(resultSet.getString(column), parse));
        }

        private static Function<String, ?> parser(Class<?> idType)
        {
            Constructor<?> constructor;
            try {
                constructor = idType.getConstructor(String.class);
            }
            catch (NoSuchMethodException e) {
                throw new IllegalStateException(idType.getSimpleName() + " has no constructor from its text", e);
            }
            return text -> {
                try {
                    return constructor.newInstance(text);
                }
                catch (InvocationTargetException e) {
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
        }
    }

    private static <T> T nullOr(String text, Function<String, T> id)
    {
        return text == null ? null : id.apply(text);
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
