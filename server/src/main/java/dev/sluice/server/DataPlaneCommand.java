package dev.sluice.server;

import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * Runs a data-plane worker against the configured metadata store: it leases sources and streams them.
 * Run as many as wanted; they share the work. Its HTTP port serves the admin pages only (health checks, metrics).
 */
final class DataPlaneCommand
        extends ServerCommand<SluiceConfiguration>
{
    private final SluiceApplication application;

    DataPlaneCommand(SluiceApplication application)
    {
        super(application, "data-plane", "Runs a data-plane worker with the given configuration file");
        this.application = application;
    }

    @Override
    protected void run(Bootstrap<SluiceConfiguration> bootstrap, Namespace namespace, SluiceConfiguration configuration)
            throws Exception
    {
        application.runOnly(SluiceApplication.Planes.DATA);
        super.run(bootstrap, namespace, configuration);
    }
}
