package dev.sluice.server;

import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code sluice dev}: both planes and an embedded Postgres in one process, with secrets generated once
 * and kept in the data directory, private webhook targets allowed, and a ready-made account and token.
 */
final class DevCommand
        extends ServerCommand<SluiceConfiguration>
{
    private final SluiceApplication application;

    DevCommand(SluiceApplication application)
    {
        super(application, "dev", "Runs Sluice in one process with an embedded Postgres (data kept in --data-dir)");
        this.application = application;
    }

    @Override
    public void configure(Subparser subparser)
    {
        super.configure(subparser);
        subparser.addArgument("--data-dir").dest("dataDir").setDefault(".sluice").help("where Postgres data and dev secrets are kept (default .sluice)");
        subparser.addArgument("--port").dest("port").type(Integer.class).setDefault(8080).help("HTTP port; 0 picks a free one (default 8080)");
        subparser.addArgument("--demo").dest("demo").action(Arguments.storeTrue())
                .help("also create a demo table with a row inserted every second, a source and a pull consumer for it");
    }

    @Override
    protected void run(Bootstrap<SluiceConfiguration> bootstrap, Namespace namespace, SluiceConfiguration configuration)
            throws Exception
    {
        Path dataDirectory = Path.of(namespace.getString("dataDir")).toAbsolutePath();
        DevMode devMode = DevMode.prepare(dataDirectory, Boolean.TRUE.equals(namespace.getBoolean("demo")));
        SluiceConfiguration.EmbeddedPostgresSettings embedded = configuration.getEmbeddedPostgres();
        embedded.setEnabled(true);
        embedded.setDataDirectory(dataDirectory.resolve("postgres"));
        embedded.setPort(devMode.postgresPort());
        if (configuration.getOperatorToken() == null) {
            configuration.setOperatorToken(devMode.operatorToken());
        }
        if (configuration.getEncryptionKey() == null) {
            configuration.setEncryptionKey(devMode.encryptionKey());
        }
        configuration.setAllowPrivateWebhookTargets(true);
        // one developer on a laptop: no request limits to run into while experimenting
        configuration.setRateLimit(new SluiceConfiguration.RateLimitFactory(0, 0));
        if (configuration.getServerFactory() instanceof SimpleServerFactory server && server.getConnector() instanceof HttpConnectorFactory http) {
            http.setPort(namespace.getInt("port"));
            http.setBindHost("127.0.0.1");
        }
        if (configuration.getLoggingFactory() instanceof DefaultLoggingFactory logging) {
            // a newcomer should see the banner, not Jetty's start-up chatter; warnings and errors still show
            logging.setLevel("WARN");
            logging.configure(bootstrap.getMetricRegistry(), bootstrap.getApplication().getName());
        }
        if (configuration.getServerFactory() instanceof SimpleServerFactory server
                && server.getRequestLogFactory() instanceof LogbackAccessRequestLogFactory requestLog) {
            requestLog.setAppenders(List.of());
        }
        application.enableDevMode(devMode);
        super.run(bootstrap, namespace, configuration);
    }
}
