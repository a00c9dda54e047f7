package dev.sluice.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.dropwizard.logging.common.AbstractAppenderFactory;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.LoggingFactory;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.util.DataSize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.nio.file.Path;

/**
 * Sluice's configuration. Every setting is declared once here with its default; environment variables
 * can be substituted in the YAML file as {@code ${NAME}}.
 */
public class SluiceConfiguration
        extends Configuration
{
    static final String TEXT_LOG_FORMAT = "%-5p [%d{ISO8601,UTC}] %c: %m"
            + "%replace( account=%X{account}){' account=$', ''}%replace( source=%X{source}){' source=$', ''}"
            + "%replace( consumer=%X{consumer}){' consumer=$', ''}%n%rEx";

    /** The metadata store; not needed when {@code embeddedPostgres.enabled} is true. */
    @Valid
    private DataSourceFactory database;

    @Valid
    @NotNull
    private EmbeddedPostgresSettings embeddedPostgres = new EmbeddedPostgresSettings();

    /** The operator token that manages accounts; without one, no accounts can be created over HTTP. */
    private String operatorToken;

    /** Base64 of 32 random bytes: encrypts source passwords, secret headers and signing secrets at rest. */
    private String encryptionKey;

    /** Whether webhook targets may resolve to private, loopback or link-local addresses. */
    private boolean allowPrivateWebhookTargets = false;

    /** Largest accepted request body. */
    @NotNull
    private DataSize maxRequestSize = DataSize.mebibytes(1);

    /** How long to wait when connecting to a source database. */
    @NotNull
    private io.dropwizard.util.Duration sourceConnectTimeout = io.dropwizard.util.Duration.seconds(5);

    @Valid
    @NotNull
    private DataPlaneFactory dataPlane = new DataPlaneFactory();

    /** Requests per second each account may make on one control-plane node; 0 turns limiting off. */
    @Valid
    @NotNull
    private RateLimitFactory rateLimit = new RateLimitFactory(1000, 2000);

    /** Whether to bring the metadata store's schema up to date on start. */
    private boolean migrateOnStart = true;

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
        @Min(0)
        private double requestsPerSecond;

        @Min(0)
        private int burst;

        public RateLimitFactory()
        {
            this(1000, 2000);
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
    public io.dropwizard.util.Duration getSourceConnectTimeout()
    {
        return sourceConnectTimeout;
    }

    @JsonProperty
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
        private boolean enabled = false;
        @NotNull
        private Path dataDirectory = Path.of(".sluice", "postgres");
        @Min(0)
        private int port = 0;

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
