package dev.sluice.server;

import dev.sluice.control.ControlPlane;
import dev.sluice.control.ControlPlaneSettings;
import dev.sluice.control.http.UnsupportedMethodFilter;
import dev.sluice.control.ratelimit.RateLimit;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.data.DataPlane;
import dev.sluice.data.DataPlaneSettings;
import dev.sluice.data.extract.CrashPoints;
import dev.sluice.server.docs.ApiDocsServlet;
import dev.sluice.server.http.ProblemErrorHandler;
import dev.sluice.server.observability.AdminAccessFilter;
import dev.sluice.server.observability.LeasedWorkHealthCheck;
import dev.sluice.server.observability.MetadataStoreHealthCheck;
import dev.sluice.store.EmbeddedMetadataPostgres;
import dev.sluice.store.Store;
import dev.sluice.stream.StreamMetrics;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.views.common.ViewBundle;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

import static java.util.Objects.requireNonNull;

/**
 * The Sluice server. Commands: {@code dev} (everything in one process with an embedded Postgres),
 * {@code control-plane} (the management API against a configured metadata store), {@code migrate}.
 */
public class SluiceApplication
        extends Application<SluiceConfiguration>
{
    private static final Logger LOG = LoggerFactory.getLogger(SluiceApplication.class);
    /** How long a starting process waits for an unreachable metadata store before it gives up. */
    private static final Duration METADATA_STORE_STARTUP_WAIT = Duration.ofMinutes(2);

    private DevMode devMode;
    private Planes planes = Planes.BOTH;

    /** Which planes a command runs. */
    enum Planes
    {
        CONTROL, DATA, BOTH;

        boolean control()
        {
            return this != DATA;
        }

        boolean data()
        {
            return this != CONTROL;
        }
    }

    public static void main(String[] args)
            throws Exception
    {
        new SluiceApplication().run(args);
    }

    @Override
    public String getName()
    {
        return "sluice";
    }

    @Override
    protected void addDefaultCommands(Bootstrap<SluiceConfiguration> bootstrap)
    {
        bootstrap.addCommand(new ControlPlaneCommand(this));
        bootstrap.addCommand(new DataPlaneCommand(this));
        bootstrap.addCommand(new DevCommand(this));
        bootstrap.addCommand(new MigrateCommand());
    }

    @Override
    public void initialize(Bootstrap<SluiceConfiguration> bootstrap)
    {
        bootstrap.addBundle(new ViewBundle<>());
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    }

    void enableDevMode(DevMode devMode)
    {
        this.devMode = devMode;
    }

    void runOnly(Planes planes)
    {
        this.planes = planes;
    }

    @Override
    public void run(SluiceConfiguration configuration, Environment environment)
    {
        if (configuration.getServerFactory() instanceof SimpleServerFactory server && server.getApplicationContextPath().equals("/application")) {
            // Dropwizard's default prefix: Sluice's API lives at /v1 and its admin pages at /admin unless a configuration says otherwise
            server.setApplicationContextPath("/");
            server.setAdminContextPath("/admin");
        }
        environment.getApplicationContext().setErrorHandler(new ProblemErrorHandler());
        environment.getAdminContext().setErrorHandler(new ProblemErrorHandler());
        // what Jetty refuses before any context sees it (an ambiguous URI) goes through the server's own handler
        environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(new ProblemErrorHandler()));
        List<String> problems = ConfigurationCheck.problems(configuration, planes.data());
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the configuration cannot work, so Sluice does not start:\n  - " + String.join("\n  - ", problems));
        }
        // a worker's metadata sessions carry its id, so another worker can end the transactions of one that lost its leases
        String workerId = DataPlaneSettings.newWorkerId();
        String applicationName = DataPlane.applicationName(planes.data() ? workerId : "control-plane");
        ManagedDataSource dataSource = metadataStore(configuration, environment, applicationName, planes.data() ? Pool.DATA_PLANE : Pool.CONTROL_PLANE);
        if (configuration.isMigrateOnStart()) {
            // through a connection of its own, without a data-plane pool's statement timeout: a migration may rightly take long
            PGSimpleDataSource migration = new PGSimpleDataSource();
            migration.setURL(configuration.getDatabase().getUrl());
            migration.setUser(configuration.getDatabase().getUser());
            migration.setPassword(Objects.requireNonNullElse(configuration.getDatabase().getPassword(), ""));
            for (Map.Entry<String, String> property : configuration.getDatabase().getProperties().entrySet()) {
                if (!property.getKey().equals("options")) {
                    try {
                        migration.setProperty(property.getKey(), property.getValue());
                    }
                    catch (SQLException e) {
                        throw new IllegalStateException("database.properties." + property.getKey() + ": " + e.getMessage(), e);
                    }
                }
            }
            Store.migrate(migration);
        }
        Store store = new Store(dataSource);
        ControlPlaneSettings settings = settings(configuration);
        StreamMetrics metrics = metrics(environment, settings);
        ControlPlane controlPlane = new ControlPlane(store, settings, metrics);
        ControlPlane.configureJson(environment.getObjectMapper());
        if (planes.control()) {
            controlPlane.register(environment.jersey().getResourceConfig());
            environment.servlets().addServlet("api-docs", new ApiDocsServlet()).addMapping("/openapi.yaml", "/docs", "/docs/*");
            // ahead of the server's blanket refusal of TRACE and unknown methods, which answers 405 without Allow
            environment.servlets().addFilter("unsupported-methods", new UnsupportedMethodFilter(environment.getObjectMapper()))
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            environment.lifecycle().manage(new Managed()
            {
                @Override
                public void start()
                {
                    controlPlane.start();
                }

                @Override
                public void stop()
                {
                    controlPlane.stop();
                }
            });
        }
        environment.healthChecks().register("metadata-store", new MetadataStoreHealthCheck(store));
        if (planes.data()) {
            DataPlaneFactory factory = configuration.getDataPlane();
            // leases are renewed through a pool of their own: data statements can neither exhaust it nor queue ahead of a renewal
            Store leaseStore = new Store(metadataStore(configuration, environment, applicationName, Pool.LEASES));
            DataPlane dataPlane = new DataPlane(store, leaseStore, SecretBox.fromBase64Key(settings.encryptionKey()),
                    factory.settings(workerId, configuration.getSourceConnectTimeout().toJavaDuration(), configuration.isAllowPrivateWebhookTargets()), metrics,
                    () -> CrashPoints.NONE);
            environment.healthChecks().register("sources", LeasedWorkHealthCheck.sourceConnections(dataPlane, factory.getSourceFailingAlert().toJavaDuration()));
            environment.healthChecks().register("slot-lag", LeasedWorkHealthCheck.slotLag(dataPlane, factory.getSlotLagAlert().toBytes()));
            environment.healthChecks().register("push-delivery", LeasedWorkHealthCheck.pushDelivery(dataPlane, factory.getPushFailingAlert().toJavaDuration()));
            environment.lifecycle().manage(new Managed()
            {
                @Override
                public void start()
                {
                    dataPlane.start();
                }

                @Override
                public void stop()
                {
                    dataPlane.close();
                }
            });
        }
        if (devMode != null) {
            environment.lifecycle().addServerLifecycleListener(server -> devMode.started(server, store, controlPlane));
        }
    }

    /** The Prometheus registry behind {@code /admin/prometheus}, with the JVM's metrics and Sluice's. */
    private static StreamMetrics metrics(Environment environment, ControlPlaneSettings settings)
    {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        environment.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping("/prometheus");
        environment.admin().addFilter("admin-access", new AdminAccessFilter(settings.operatorToken()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        return new StreamMetrics(registry);
    }

    static ControlPlaneSettings settings(SluiceConfiguration configuration)
    {
        if (configuration.getEncryptionKey() == null || configuration.getEncryptionKey().isBlank()) {
            throw new IllegalStateException("encryptionKey is not set: set SLUICE_ENCRYPTION_KEY (generate one with: openssl rand -base64 32)");
        }
        SecretBox.fromBase64Key(configuration.getEncryptionKey());
        return new ControlPlaneSettings(
                Optional.ofNullable(configuration.getOperatorToken()).filter(token -> !token.isBlank()),
                configuration.getEncryptionKey(),
                configuration.isAllowPrivateWebhookTargets(),
                configuration.getMaxRequestSize().toBytes(),
                configuration.getSourceConnectTimeout().toJavaDuration(),
                new RateLimit(configuration.getRateLimit().getRequestsPerSecond(), configuration.getRateLimit().getBurst()));
    }

    /** What a pool of connections to the metadata store serves, which decides its sessions' timeouts. */
    enum Pool
    {
        /** the API, and {@code migrate}: no statement or lock timeout (a migration may rightly take long) */
        CONTROL_PLANE,
        /** a process running the data plane: its data transactions give up before a lease would expire */
        DATA_PLANE,
        /** a worker's lease renewals and claims: two connections of their own, short timeouts */
        LEASES
    }

    /**
     * The metadata store's connection pool: to the embedded Postgres when enabled, else to the configured database. Every
     * connection is checked when borrowed (a round trip), so after a restart of the metadata store no request gets a
     * connection the server has closed.
     */
    static ManagedDataSource metadataStore(SluiceConfiguration configuration, Environment environment, String applicationName)
    {
        return metadataStore(configuration, environment, applicationName, Pool.CONTROL_PLANE);
    }

    /**
     * A pool of {@code pool}'s kind. The lease pool is built after the process's main pool, whose connection settings it
     * copies (the embedded Postgres the main pool started, for one).
     */
    static ManagedDataSource metadataStore(SluiceConfiguration configuration, Environment environment, String applicationName, Pool pool)
    {
        SluiceConfiguration.EmbeddedPostgresSettings embedded = configuration.getEmbeddedPostgres();
        DataSourceFactory factory = configuration.getDatabase();
        if (pool == Pool.LEASES) {
            factory = leasePool(requireNonNull(factory, "the main pool is built first"));
        }
        else if (embedded.isEnabled()) {
            factory = new DataSourceFactory();
            EmbeddedMetadataPostgres postgres = EmbeddedMetadataPostgres.start(embedded.getDataDirectory(), embedded.getPort());
            environment.lifecycle().manage(new Managed()
            {
                @Override
                public void stop()
                {
                    postgres.close();
                }
            });
            factory.setUrl(postgres.jdbcUrl("postgres"));
            factory.setUser("postgres");
            factory.setPassword("");
            // the process's other pools connect to the same server
            configuration.setDatabase(factory);
        }
        if (factory == null || factory.getUrl() == null) {
            throw new IllegalStateException("database.url is not set: configure the metadata store (database.url, user, password) or enable embeddedPostgres");
        }
        factory.setDriverClass("org.postgresql.Driver");
        // a worker stopped inside a metadata transaction (SIGSTOP, a long GC pause, a frozen VM) keeps its lease
        // row locked and so blocks every takeover: the server ends a transaction left idle longer than a lease lives
        long idleTransactionMillis = Math.max(5_000, configuration.getDataPlane().getLeaseTtl().toMilliseconds());
        String options = "-c idle_in_transaction_session_timeout=" + idleTransactionMillis;
        DataPlaneFactory dataPlane = configuration.getDataPlane();
        if (pool == Pool.DATA_PLANE) {
            // a data transaction holds its lease's fence: it gives up (and is retried) before the lease could expire under it
            options += " -c statement_timeout=" + dataPlane.statementTimeout().toMillis() + " -c lock_timeout=" + dataPlane.lockTimeout().toMillis();
        }
        else if (pool == Pool.LEASES) {
            long leaseStatementMillis = Math.max(1_000, dataPlane.getLeaseTtl().toMilliseconds() / 3);
            options += " -c statement_timeout=" + leaseStatementMillis + " -c lock_timeout=" + leaseStatementMillis;
        }
        factory.getProperties().putIfAbsent("options", options);
        factory.getProperties().putIfAbsent("ApplicationName", applicationName);
        // a connection the server closed (a restart of the metadata store) is found out when borrowed, not by a request;
        // one checked in the last second is taken as it is (a restart takes longer than that), so the data path, a
        // statement or two per borrow, does not pay a round trip more on every borrow
        factory.setCheckConnectionOnBorrow(true);
        // qualified: the pool takes Dropwizard's Duration, the rest of this class java.time's
        factory.setValidationInterval(io.dropwizard.util.Duration.seconds(1));
        ManagedDataSource dataSource = factory.build(environment.metrics(), pool == Pool.LEASES ? "metadata-store-leases" : "metadata-store");
        DataSourceFactory database = factory;
        // a process started while the metadata store restarts waits for it instead of failing to start, also when the
        // store goes away again between the wait and the pool's first connections; registered first, so it runs before
        // everything else that needs a connection
        environment.lifecycle().manage(new Managed()
        {
            @Override
            public void start()
                    throws Exception
            {
                Instant deadline = Instant.now().plus(METADATA_STORE_STARTUP_WAIT);
                while (true) {
                    awaitMetadataStore(database, Duration.between(Instant.now(), deadline));
                    try {
                        dataSource.start();
                        return;
                    }
                    catch (SQLException e) {
                        if (Instant.now().isAfter(deadline)) {
                            throw e;
                        }
                        LOG.warn("the metadata store went away while the pool connected; waiting for it again: {}", e.getMessage());
                    }
                }
            }

            @Override
            public void stop()
                    throws Exception
            {
                dataSource.stop();
            }
        });
        return dataSource;
    }

    /** A copy of the metadata store's connection settings for a worker's lease pool: two connections. */
    private static DataSourceFactory leasePool(DataSourceFactory database)
    {
        DataSourceFactory leases = new DataSourceFactory();
        leases.setUrl(database.getUrl());
        leases.setUser(database.getUser());
        leases.setPassword(database.getPassword());
        leases.setProperties(new LinkedHashMap<>(database.getProperties()));
        leases.getProperties().remove("options");
        leases.setInitialSize(1);
        leases.setMinSize(1);
        leases.setMaxSize(2);
        // qualified: the pool takes Dropwizard's Duration, the rest of this class java.time's
        leases.setMaxWaitForConnection(io.dropwizard.util.Duration.seconds(5));
        return leases;
    }

    /** Tries to connect until the metadata store answers or {@code limit} has passed. */
    static void awaitMetadataStore(DataSourceFactory database, Duration limit)
            throws InterruptedException
    {
        Properties properties = new Properties();
        properties.putAll(database.getProperties());
        properties.setProperty("user", database.getUser());
        properties.setProperty("password", Objects.requireNonNullElse(database.getPassword(), ""));
        Instant deadline = Instant.now().plus(limit);
        Instant nextLog = Instant.EPOCH;
        while (true) {
            try (Connection ignored = DriverManager.getConnection(database.getUrl(), properties)) {
                return;
            }
            catch (SQLException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("cannot reach the metadata store at " + database.getUrl() + " after " + limit.toSeconds() + " s: " + e.getMessage(), e);
                }
                if (Instant.now().isAfter(nextLog)) {
                    LOG.warn("waiting for the metadata store at {}: {}", database.getUrl(), e.getMessage());
                    nextLog = Instant.now().plusSeconds(10);
                }
                Thread.sleep(1000);
            }
        }
    }
}
