package dev.sluice.store;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * One real, migrated metadata store for every test class of the module that uses this extension: an
 * embedded Postgres started on first use and stopped when the test run ends. Test methods take a
 * {@link Store} (or the {@link EmbeddedMetadataPostgres}) as a parameter, in {@code @BeforeAll} too.
 * Tests share the database, so each creates its own accounts, sources, consumers and lease units
 * ({@link StoreRows}) and never counts rows it did not create.
 */
public final class MetadataStoreExtension
        implements BeforeAllCallback, ParameterResolver
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MetadataStoreExtension.class);

    @Override
    public void beforeAll(ExtensionContext context)
    {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context)
    {
        Class<?> type = parameter.getParameter().getType();
        return type == Store.class || type == EmbeddedMetadataPostgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
    {
        Server server = server(context);
        return parameter.getParameter().getType() == Store.class ? server.store : server.postgres;
    }

    private static Server server(ExtensionContext context)
    {
        // the root context's store closes the server (an AutoCloseable) when the whole run ends
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Server.class, ignored -> Server.start(), Server.class);
    }

    private static final class Server
            implements AutoCloseable
    {
        private final Path directory;
        private final EmbeddedMetadataPostgres postgres;
        private final Store store;

        private Server(Path directory, EmbeddedMetadataPostgres postgres)
        {
            this.directory = requireNonNull(directory, "directory is null");
            this.postgres = requireNonNull(postgres, "postgres is null");
            Store.migrate(postgres.dataSource("postgres"));
            this.store = new Store(postgres.dataSource("postgres"));
        }

        static Server start()
        {
            try {
                Path directory = Files.createTempDirectory("sluice-store-test");
                return new Server(directory, EmbeddedMetadataPostgres.start(directory.resolve("postgres"), 0));
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close()
                throws IOException
        {
            postgres.close();
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
