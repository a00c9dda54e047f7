package dev.sluice.server;

import io.dropwizard.db.DataSourceFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings that break their own rule (see {@link dev.sluice.data.Setting}), or are each valid alone but cannot work
 * together. A process refuses to start with every such problem listed, each naming the settings it is about, instead
 * of failing later under load or during a fault.
 */
final class ConfigurationCheck
{
    private ConfigurationCheck() {}

    /** What cannot work in {@code configuration} for a process that runs the data plane ({@code dataPlane}) or not; empty when all can. */
    static List<String> problems(SluiceConfiguration configuration, boolean dataPlane)
    {
        List<String> problems = new ArrayList<>();
        problems.addAll(configuration.problems());
        DataPlaneFactory settings = configuration.getDataPlane();
        if (!problems.isEmpty()) {
            // the checks below combine settings, each of which must be valid alone
            return problems;
        }
        Duration leaseTtl = settings.getLeaseTtl().toJavaDuration();
        Duration tick = settings.getTickInterval().toJavaDuration();
        if (tick.multipliedBy(3).compareTo(leaseTtl) > 0) {
            problems.add("dataPlane.tickInterval (" + settings.getTickInterval() + ") is longer than a third of dataPlane.leaseTtl (" + settings.getLeaseTtl()
                    + "): a lease must be renewed at least three times in its life, or one slow tick loses it");
        }
        Duration rebalanceDelay = settings.getRebalanceDelay().toJavaDuration();
        if (rebalanceDelay.compareTo(leaseTtl) < 0) {
            problems.add("dataPlane.rebalanceDelay (" + settings.getRebalanceDelay() + ") is shorter than dataPlane.leaseTtl (" + settings.getLeaseTtl()
                    + "): units would move for balance before the workers' heartbeats are current");
        }
        Duration statementTimeout = settings.statementTimeout();
        Duration lockTimeout = settings.lockTimeout();
        if (statementTimeout.isZero() || statementTimeout.isNegative() || statementTimeout.compareTo(leaseTtl) >= 0) {
            problems.add("dataPlane.statementTimeout (" + describe(statementTimeout) + ") must be above zero and shorter than dataPlane.leaseTtl ("
                    + settings.getLeaseTtl() + "): a data transaction must give up before its lease could expire under it");
        }
        if (lockTimeout.isZero() || lockTimeout.isNegative() || lockTimeout.compareTo(statementTimeout) > 0) {
            problems.add("dataPlane.lockTimeout (" + describe(lockTimeout) + ") must be above zero and at most dataPlane.statementTimeout ("
                    + describe(statementTimeout) + ")");
        }
        if (settings.getRetryBackoff().toJavaDuration().compareTo(settings.getRetryBackoffCap().toJavaDuration()) > 0) {
            problems.add("dataPlane.retryBackoff (" + settings.getRetryBackoff() + ") must be at most dataPlane.retryBackoffCap (" + settings.getRetryBackoffCap() + ")");
        }
        DataSourceFactory database = configuration.getDatabase();
        if (dataPlane && database != null && !configuration.getEmbeddedPostgres().isEnabled()) {
            // a push consumer acknowledges from each of its concurrent requests, each through a connection, besides its receive
            int needed = settings.getPushConcurrency() + 2;
            if (database.getMaxSize() < needed) {
                problems.add("database.maxSize (" + database.getMaxSize() + ") is below dataPlane.pushConcurrency (" + settings.getPushConcurrency()
                        + ") + 2: one push consumer's acknowledgements alone would wait for connections");
            }
        }
        return problems;
    }

    private static String describe(Duration duration)
    {
        return duration.toMillis() + "ms";
    }
}
