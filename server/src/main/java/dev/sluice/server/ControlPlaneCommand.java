package dev.sluice.server;

import io.dropwizard.core.Application;
import io.dropwizard.core.cli.ServerCommand;

/** Runs the management API against the configured metadata store. */
final class ControlPlaneCommand
        extends ServerCommand<SluiceConfiguration>
{
    ControlPlaneCommand(Application<SluiceConfiguration> application)
    {
        super(application, "control-plane", "Runs the control plane (management API) with the given configuration file");
    }
}
