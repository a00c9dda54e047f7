package dev.sluice.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.data.Setting;
import dev.sluice.data.deliver.PushSettings;
import dev.sluice.data.extract.ExtractorSettings;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.AbstractAppenderFactory;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.LoggingFactory;
import io.dropwizard.util.DataSize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sluice's configuration file; environment variables can be substituted in it as {@code ${NAME}}. Each setting is
 * declared once, as a {@link Setting} with its default, rule and description (the data plane's in {@link DataPlaneFactory}
 * and the records it names); a field only binds its key, and {@link ConfigurationCheck} checks every value against its
 * rule before the process starts. Dropwizard's own sections ({@code database}, {@code server}, {@code logging}) are
 * Dropwizard's.
 */
public class SluiceConfiguration
        extends Configuration
{
    static final String TEXT_LOG_FORMAT = "%-5p [%d{ISO8601,UTC}] %c: %m"
            + "%replace( account=%X{account}){' account=$', ''}%replace( source=%X{source}){' source=$', ''}"
            + "%replace( consumer=%X{consumer}){' consumer=$', ''}%n%rEx";

    public static final Setting<Boolean> EMBEDDED_POSTGRES = Setting.flag("embeddedPostgres.enabled", false,
            "Run an embedded Postgres as the metadata store (dev mode).");

    public static final Setting<Path> EMBEDDED_POSTGRES_DIRECTORY = Setting.of("embeddedPostgres.dataDirectory", Path.of(".sluice", "postgres"),
            "`.sluice/postgres`", "set", directory -> true, Path::toString, "Where the embedded Postgres keeps its data.");

    public static final Setting<Integer> EMBEDDED_POSTGRES_PORT = Setting.of("embeddedPostgres.port", 0, "`0` (any free port)", "from 0 to 65535",
            port -> port >= 0 && port <= 65535, String::valueOf, "Port of the embedded Postgres.");

    public static final Setting<String> OPERATOR_TOKEN = Setting.of("operatorToken", null, "none", "set", token -> true, token -> "hidden",
            "The operator's bearer token: creates accounts and opens the admin pages. Without it no account can be created over HTTP and the admin pages "
                    + "answer loopback clients only.");

    public static final Setting<String> ENCRYPTION_KEY = Setting.of("encryptionKey", null, "none (required)", "set", key -> true, key -> "hidden",
            "Base64 of 32 random bytes (`openssl rand -base64 32`): encrypts source passwords, secret headers and signing secrets at rest (AES-256-GCM). "
                    + "Every process needs the same key; losing it loses those secrets.");

    public static final Setting<DataSize> MAX_REQUEST_SIZE = Setting.of("maxRequestSize", DataSize.mebibytes(1), "`1MiB`", "above zero",
            size -> size.toBytes() > 0, DataSize::toString, "Largest accepted request body.");

    public static final Setting<Double> REQUESTS_PER_SECOND = Setting.of("rateLimit.requestsPerSecond", 1000.0, "`1000`", "zero or more", rate -> rate >= 0,
            String::valueOf, "Requests each account may make per second on one control-plane node (a token bucket; the operator is not limited). Over it: "
                    + "`429 rate_limited` with `Retry-After`. `0` turns limiting off (`sluice dev` does). With N nodes behind a load balancer an account gets up to "
                    + "N times this.");

    public static final Setting<Integer> BURST = Setting.of("rateLimit.burst", 2000, "`2000`", "zero or more", burst -> burst >= 0, String::valueOf,
            "Requests an idle account may send at once before the rate applies.");

    public static final Setting<Boolean> MIGRATE_ON_START = Setting.flag("migrateOnStart", true, "Bring the metadata store's schema up to date on start.");

    /** Every setting of the file but Dropwizard's and the data plane's ({@link DataPlaneFactory#SETTINGS}), in the operations guide's order. */
    public static final List<Setting<?>> SETTINGS = List.of(
            EMBEDDED_POSTGRES,
            EMBEDDED_POSTGRES_DIRECTORY,
            EMBEDDED_POSTGRES_PORT,
            OPERATOR_TOKEN,
            ENCRYPTION_KEY,
            PushSettings.ALLOW_PRIVATE_TARGETS,
            MAX_REQUEST_SIZE,
            ExtractorSettings.CONNECT_TIMEOUT,
            REQUESTS_PER_SECOND,
            BURST,
            MIGRATE_ON_START);

    /** The metadata store; not needed when {@code embeddedPostgres.enabled} is true. */
    @Valid
    private DataSourceFactory database;

    @Valid
    @NotNull
    private EmbeddedPostgresSettings embeddedPostgres = new EmbeddedPostgresSettings();

    private String operatorToken = OPERATOR_TOKEN.defaultValue();
    private String encryptionKey = ENCRYPTION_KEY.defaultValue();

    private boolean allowPrivateWebhookTargets = PushSettings.ALLOW_PRIVATE_TARGETS.defaultValue();

    private DataSize maxRequestSize = MAX_REQUEST_SIZE.defaultValue();

    // qualified: Dropwizard's Duration is the configuration file's type, java.time's the settings'
    private io.dropwizard.util.Duration sourceConnectTimeout = DataPlaneFactory.fromJava(ExtractorSettings.CONNECT_TIMEOUT.defaultValue());

    @Valid
    @NotNull
    private DataPlaneFactory dataPlane = new DataPlaneFactory();

    @Valid
    @NotNull
    private RateLimitFactory rateLimit = new RateLimitFactory();

    private boolean migrateOnStart = MIGRATE_ON_START.defaultValue();

    public SluiceConfiguration()
    {
        SimpleServerFactory server = new SimpleServerFactory();
        server.setApplicationContextPath("/");
        server.setAdminContextPath("/admin");
        HttpConnectorFactory connector = new HttpConnectorFactory();
        connector.setPort(8080);
        server.setConnector(connector);
        server.setRegisterDefaultExceptionMappers(false);
        setServerFactory(server);
    }

    /** Every value of the file that breaks its setting's rule, each naming the setting; empty when all follow theirs. */
    List<String> problems()
    {
        List<String> problems = new ArrayList<>();
        EMBEDDED_POSTGRES_DIRECTORY.problem(embeddedPostgres.getDataDirectory()).ifPresent(problems::add);
        EMBEDDED_POSTGRES_PORT.problem(embeddedPostgres.getPort()).ifPresent(problems::add);
        MAX_REQUEST_SIZE.problem(maxRequestSize).ifPresent(problems::add);
        ExtractorSettings.CONNECT_TIMEOUT.problem(DataPlaneFactory.toJava(sourceConnectTimeout)).ifPresent(problems::add);
        REQUESTS_PER_SECOND.problem(rateLimit.getRequestsPerSecond()).ifPresent(problems::add);
        BURST.problem(rateLimit.getBurst()).ifPresent(problems::add);
        problems.addAll(dataPlane.problems());
        return problems;
    }

    /**
     * The logging settings, with Sluice's text format for every appender that names none: it adds the account
     * and the source or consumer a line is about (JSON layouts carry them in their "mdc" field).
     */
    @Override
    public synchronized LoggingFactory getLoggingFactory()
    {
        LoggingFactory logging = super.getLoggingFactory();
        if (logging instanceof DefaultLoggingFactory defaults) {
            for (AppenderFactory<ILoggingEvent> appender : defaults.getAppenders()) {
                if (appender instanceof AbstractAppenderFactory<ILoggingEvent> text && text.getLogFormat() == null && text.getLayout() == null) {
                    text.setLogFormat(TEXT_LOG_FORMAT);
                }
            }
        }
        return logging;
    }

    @JsonProperty
    public RateLimitFactory getRateLimit()
    {
        return rateLimit;
    }

    @JsonProperty
    public void setRateLimit(RateLimitFactory rateLimit)
    {
        this.rateLimit = rateLimit;
    }

    /**
     * Per-account request limit of one control-plane node: a token bucket refilled at {@code requestsPerSecond}
     * holding up to {@code burst} requests. Over it, requests get 429 with Retry-After.
     */
    public static class RateLimitFactory
    {
        private double requestsPerSecond;
        private int burst;

        public RateLimitFactory()
        {
            this(REQUESTS_PER_SECOND.defaultValue(), BURST.defaultValue());
        }

        public RateLimitFactory(double requestsPerSecond, int burst)
        {
            this.requestsPerSecond = requestsPerSecond;
            this.burst = burst;
        }

        @JsonProperty
        public double getRequestsPerSecond()
        {
            return requestsPerSecond;
        }

        @JsonProperty
        public void setRequestsPerSecond(double requestsPerSecond)
        {
            this.requestsPerSecond = requestsPerSecond;
        }

        @JsonProperty
        public int getBurst()
        {
            return burst;
        }

        @JsonProperty
        public void setBurst(int burst)
        {
            this.burst = burst;
        }
    }

    @JsonProperty
    public DataSourceFactory getDatabase()
    {
        return database;
    }

    @JsonProperty
    public void setDatabase(DataSourceFactory database)
    {
        this.database = database;
    }

    @JsonProperty
    public EmbeddedPostgresSettings getEmbeddedPostgres()
    {
        return embeddedPostgres;
    }

    @JsonProperty
    public void setEmbeddedPostgres(EmbeddedPostgresSettings embeddedPostgres)
    {
        this.embeddedPostgres = embeddedPostgres;
    }

    @JsonProperty
    public String getOperatorToken()
    {
        return operatorToken;
    }

    @JsonProperty
    public void setOperatorToken(String operatorToken)
    {
        this.operatorToken = operatorToken;
    }

    @JsonProperty
    public String getEncryptionKey()
    {
        return encryptionKey;
    }

    @JsonProperty
    public void setEncryptionKey(String encryptionKey)
    {
        this.encryptionKey = encryptionKey;
    }

    @JsonProperty
    public boolean isAllowPrivateWebhookTargets()
    {
        return allowPrivateWebhookTargets;
    }

    @JsonProperty
    public void setAllowPrivateWebhookTargets(boolean allowPrivateWebhookTargets)
    {
        this.allowPrivateWebhookTargets = allowPrivateWebhookTargets;
    }

    @JsonProperty
    public DataSize getMaxRequestSize()
    {
        return maxRequestSize;
    }

    @JsonProperty
    public void setMaxRequestSize(DataSize maxRequestSize)
    {
        this.maxRequestSize = maxRequestSize;
    }

    @JsonProperty
    // qualified: Dropwizard's Duration is the configuration file's type, java.time's the settings'
    public io.dropwizard.util.Duration getSourceConnectTimeout()
    {
        return sourceConnectTimeout;
    }

    @JsonProperty
    // qualified: Dropwizard's Duration is the configuration file's type, java.time's the settings'
    public void setSourceConnectTimeout(io.dropwizard.util.Duration sourceConnectTimeout)
    {
        this.sourceConnectTimeout = sourceConnectTimeout;
    }

    @JsonProperty
    public DataPlaneFactory getDataPlane()
    {
        return dataPlane;
    }

    @JsonProperty
    public void setDataPlane(DataPlaneFactory dataPlane)
    {
        this.dataPlane = dataPlane;
    }

    @JsonProperty
    public boolean isMigrateOnStart()
    {
        return migrateOnStart;
    }

    @JsonProperty
    public void setMigrateOnStart(boolean migrateOnStart)
    {
        this.migrateOnStart = migrateOnStart;
    }

    /** An embedded Postgres as the metadata store, for one-process installations and development. */
    public static class EmbeddedPostgresSettings
    {
        private boolean enabled = EMBEDDED_POSTGRES.defaultValue();
        private Path dataDirectory = EMBEDDED_POSTGRES_DIRECTORY.defaultValue();
        private int port = EMBEDDED_POSTGRES_PORT.defaultValue();

        @JsonProperty
        public boolean isEnabled()
        {
            return enabled;
        }

        @JsonProperty
        public void setEnabled(boolean enabled)
        {
            this.enabled = enabled;
        }

        @JsonProperty
        public Path getDataDirectory()
        {
            return dataDirectory;
        }

        @JsonProperty
        public void setDataDirectory(Path dataDirectory)
        {
            this.dataDirectory = dataDirectory;
        }

        @JsonProperty
        public int getPort()
        {
            return port;
        }

        @JsonProperty
        public void setPort(int port)
        {
            this.port = port;
        }
    }
}
