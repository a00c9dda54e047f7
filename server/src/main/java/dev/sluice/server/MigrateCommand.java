package dev.sluice.server;

import dev.sluice.data.DataPlane;
import dev.sluice.store.Store;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.ManagedDataSource;
import net.sourceforge.argparse4j.inf.Namespace;
import org.eclipse.jetty.util.component.LifeCycle;

/** Brings the metadata store's schema up to date and exits. */
final class MigrateCommand
        extends ConfiguredCommand<SluiceConfiguration>
{
    MigrateCommand()
    {
        super("migrate", "Brings the metadata store's schema up to date");
    }

    @Override
    protected void run(Bootstrap<SluiceConfiguration> bootstrap, Namespace namespace, SluiceConfiguration configuration)
            throws Exception
    {
        Environment environment = new Environment(bootstrap.getApplication().getName(), bootstrap.getObjectMapper(),
                bootstrap.getValidatorFactory(), bootstrap.getMetricRegistry(), bootstrap.getClassLoader(), bootstrap.getHealthCheckRegistry(),
                configuration);
        ManagedDataSource dataSource = SluiceApplication.metadataStore(configuration, environment, DataPlane.applicationName("migrate"));
        try {
            Store.migrate(dataSource);
            System.out.println("metadata store is up to date");
        }
        finally {
            dataSource.stop();
            for (LifeCycle managed : environment.lifecycle().getManagedObjects()) {
                managed.stop();
            }
        }
    }
}
