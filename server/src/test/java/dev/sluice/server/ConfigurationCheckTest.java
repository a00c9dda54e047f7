package dev.sluice.server;

import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationCheckTest
{
    @Test
    void theDefaultsCanWork()
    {
        assertThat(ConfigurationCheck.problems(configuration(), true)).isEmpty();
    }

    @Test
    void aTickLongerThanAThirdOfTheLeaseIsRefusedNamingBothSettings()
    {
        SluiceConfiguration configuration = configuration();
        configuration.getDataPlane().setLeaseTtl(Duration.seconds(5));
        configuration.getDataPlane().setTickInterval(Duration.seconds(2));
        assertThat(ConfigurationCheck.problems(configuration, true)).singleElement().asString()
                .contains("dataPlane.tickInterval (2 seconds)", "dataPlane.leaseTtl (5 seconds)");
    }

    @Test
    void aStatementTimeoutThatOutlivesTheLeaseIsRefused()
    {
        SluiceConfiguration configuration = configuration();
        configuration.getDataPlane().setStatementTimeout(Duration.seconds(20));
        assertThat(ConfigurationCheck.problems(configuration, true)).singleElement().asString()
                .contains("dataPlane.statementTimeout (20000ms)", "dataPlane.leaseTtl (15 seconds)");
    }

    @Test
    void aLockTimeoutAboveTheStatementTimeoutIsRefused()
    {
        SluiceConfiguration configuration = configuration();
        configuration.getDataPlane().setLockTimeout(Duration.seconds(12));
        assertThat(ConfigurationCheck.problems(configuration, true)).singleElement().asString()
                .contains("dataPlane.lockTimeout (12000ms)", "dataPlane.statementTimeout (10000ms)");
    }

    @Test
    void timeoutsLeftUnsetFollowAShortLease()
    {
        SluiceConfiguration configuration = configuration();
        configuration.getDataPlane().setLeaseTtl(Duration.seconds(3));
        configuration.getDataPlane().setTickInterval(Duration.seconds(1));
        configuration.getDataPlane().setRebalanceDelay(Duration.seconds(3));
        assertThat(ConfigurationCheck.problems(configuration, true)).isEmpty();
        // qualified: the settings are Dropwizard Durations, what the data plane gets java.time's
        assertThat(configuration.getDataPlane().statementTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
        // qualified: as above
        assertThat(configuration.getDataPlane().lockTimeout()).isEqualTo(java.time.Duration.ofSeconds(1));
    }

    @Test
    void aRebalanceDelayShorterThanTheLeaseIsRefused()
    {
        SluiceConfiguration configuration = configuration();
        configuration.getDataPlane().setRebalanceDelay(Duration.seconds(5));
        assertThat(ConfigurationCheck.problems(configuration, true)).singleElement().asString()
                .contains("dataPlane.rebalanceDelay (5 seconds)", "dataPlane.leaseTtl (15 seconds)");
    }

    @Test
    void aPoolTooSmallForOnePushConsumerIsRefusedForWorkersOnly()
    {
        SluiceConfiguration configuration = configuration();
        configuration.getDatabase().setMaxSize(8);
        configuration.getDatabase().setMinSize(1);
        configuration.getDatabase().setInitialSize(1);
        assertThat(ConfigurationCheck.problems(configuration, true)).singleElement().asString()
                .contains("database.maxSize (8)", "dataPlane.pushConcurrency (16)");
        assertThat(ConfigurationCheck.problems(configuration, false)).isEmpty();
    }

    private static SluiceConfiguration configuration()
    {
        SluiceConfiguration configuration = new SluiceConfiguration();
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl("jdbc:postgresql://127.0.0.1:5432/postgres");
        configuration.setDatabase(database);
        return configuration;
    }
}
