package dev.sluice.server;

import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;

/** Runs the management API against the configured metadata store. */
final class ControlPlaneCommand
        extends ServerCommand<SluiceConfiguration>
{
    private final SluiceApplication application;

    ControlPlaneCommand(SluiceApplication application)
    {
        super(application, "control-plane", "Runs the control plane (management API) with the given configuration file");
        this.application = application;
    }

    @Override
    protected void run(Bootstrap<SluiceConfiguration> bootstrap, Namespace namespace, SluiceConfiguration configuration)
            throws Exception
    {
        application.runOnly(SluiceApplication.Planes.CONTROL);
        super.run(bootstrap, namespace, configuration);
    }
}
