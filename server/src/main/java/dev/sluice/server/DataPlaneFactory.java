package dev.sluice.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.data.DataPlaneSettings;
import dev.sluice.data.Setting;
import dev.sluice.data.deliver.PushSettings;
import dev.sluice.data.extract.ExtractorSettings;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data plane's section of the configuration file ({@code dataPlane}). Each setting is declared once, as a
 * {@link Setting} with its default, rule and description: those the data plane uses in {@link DataPlaneSettings},
 * {@link ExtractorSettings} and {@link PushSettings}, the server's own here. A field below only binds its key to
 * the declaration; {@link #problems} checks every value against its rule before the process starts.
 */
public class DataPlaneFactory
{
    // qualified: Dropwizard's Duration is the configuration file's type here, java.time's the settings'
    public static final Setting<java.time.Duration> STATEMENT_TIMEOUT = Setting.optionalPositiveDuration("dataPlane.statementTimeout", "⅔ of `leaseTtl`",
            "Postgres `statement_timeout` of a worker's metadata connections: a data transaction, which holds its lease's fence, gives up and is retried "
                    + "before the lease could expire under it. Shorter than `leaseTtl` (checked at start). Set as connection `options` (with "
                    + "`idle_in_transaction_session_timeout`); a `database.properties.options` of your own replaces them.");

    // qualified: Dropwizard's Duration is the configuration file's type here, java.time's the settings'
    public static final Setting<java.time.Duration> LOCK_TIMEOUT = Setting.optionalPositiveDuration("dataPlane.lockTimeout", "⅓ of `leaseTtl`",
            "Postgres `lock_timeout` of a worker's metadata connections; at most `statementTimeout` (checked at start).");

    // qualified: Dropwizard's Duration is the configuration file's type here, java.time's the settings'
    public static final Setting<java.time.Duration> SOURCE_FAILING_ALERT = Setting.duration("dataPlane.sourceFailingAlert", java.time.Duration.ofMinutes(2),
            "Health check `sources` fails while a source this worker streams has failed for longer.");

    public static final Setting<DataSize> SLOT_LAG_ALERT = Setting.of("dataPlane.slotLagAlert", DataSize.gibibytes(1), "`1GiB`", "set", size -> true,
            DataSize::toString, "Health check `slot-lag` fails while a source's slot holds more WAL than this beyond what Sluice confirmed.");

    // qualified: Dropwizard's Duration is the configuration file's type here, java.time's the settings'
    public static final Setting<java.time.Duration> PUSH_FAILING_ALERT = Setting.duration("dataPlane.pushFailingAlert", java.time.Duration.ofMinutes(15),
            "Health check `push-delivery` fails while every delivery of a push consumer has failed for longer.");

    /** Every setting of this section, in the order the operations guide lists them. */
    public static final List<Setting<?>> SETTINGS = List.of(
            DataPlaneSettings.LEASE_TTL,
            DataPlaneSettings.TICK_INTERVAL,
            DataPlaneSettings.REBALANCE_DELAY,
            STATEMENT_TIMEOUT,
            LOCK_TIMEOUT,
            ExtractorSettings.BATCH_MESSAGES,
            ExtractorSettings.BATCH_DELAY,
            ExtractorSettings.MAX_BACKLOG,
            ExtractorSettings.BACKFILL_CHUNK_ROWS,
            PushSettings.CONCURRENCY,
            PushSettings.REQUEST_TIMEOUT,
            PushSettings.BACKOFF_BASE,
            PushSettings.BACKOFF_CAP,
            SOURCE_FAILING_ALERT,
            SLOT_LAG_ALERT,
            PUSH_FAILING_ALERT);

    private Duration leaseTtl = fromJava(DataPlaneSettings.LEASE_TTL.defaultValue());
    private Duration tickInterval = fromJava(DataPlaneSettings.TICK_INTERVAL.defaultValue());
    private Duration rebalanceDelay = fromJava(DataPlaneSettings.REBALANCE_DELAY.defaultValue());
    private Duration statementTimeout;
    private Duration lockTimeout;
    private int batchMessages = ExtractorSettings.BATCH_MESSAGES.defaultValue();
    private Duration batchDelay = fromJava(ExtractorSettings.BATCH_DELAY.defaultValue());
    private long maxBacklog = ExtractorSettings.MAX_BACKLOG.defaultValue();
    private int backfillChunkRows = ExtractorSettings.BACKFILL_CHUNK_ROWS.defaultValue();
    private int pushConcurrency = PushSettings.CONCURRENCY.defaultValue();
    private Duration pushTimeout = fromJava(PushSettings.REQUEST_TIMEOUT.defaultValue());
    private Duration retryBackoff = fromJava(PushSettings.BACKOFF_BASE.defaultValue());
    private Duration retryBackoffCap = fromJava(PushSettings.BACKOFF_CAP.defaultValue());
    private Duration sourceFailingAlert = fromJava(SOURCE_FAILING_ALERT.defaultValue());
    private DataSize slotLagAlert = SLOT_LAG_ALERT.defaultValue();
    private Duration pushFailingAlert = fromJava(PUSH_FAILING_ALERT.defaultValue());

    /** Every value of this section that breaks its setting's rule, each naming the setting; empty when all follow theirs. */
    List<String> problems()
    {
        List<Optional<String>> problems = List.of(
                DataPlaneSettings.LEASE_TTL.problem(toJava(leaseTtl)),
                DataPlaneSettings.TICK_INTERVAL.problem(toJava(tickInterval)),
                DataPlaneSettings.REBALANCE_DELAY.problem(toJava(rebalanceDelay)),
                STATEMENT_TIMEOUT.problem(toJava(statementTimeout)),
                LOCK_TIMEOUT.problem(toJava(lockTimeout)),
                ExtractorSettings.BATCH_MESSAGES.problem(batchMessages),
                ExtractorSettings.BATCH_DELAY.problem(toJava(batchDelay)),
                ExtractorSettings.MAX_BACKLOG.problem(maxBacklog),
                ExtractorSettings.BACKFILL_CHUNK_ROWS.problem(backfillChunkRows),
                PushSettings.CONCURRENCY.problem(pushConcurrency),
                PushSettings.REQUEST_TIMEOUT.problem(toJava(pushTimeout)),
                PushSettings.BACKOFF_BASE.problem(toJava(retryBackoff)),
                PushSettings.BACKOFF_CAP.problem(toJava(retryBackoffCap)),
                SOURCE_FAILING_ALERT.problem(toJava(sourceFailingAlert)),
                SLOT_LAG_ALERT.problem(slotLagAlert),
                PUSH_FAILING_ALERT.problem(toJava(pushFailingAlert)));
        List<String> found = new ArrayList<>();
        problems.forEach(problem -> problem.ifPresent(found::add));
        return found;
    }

    /** The statement timeout data-plane connections get: as configured, else two thirds of leaseTtl. */
    // qualified: Dropwizard's Duration is the configuration file's type here, java.time's the settings'
    java.time.Duration statementTimeout()
    {
        return statementTimeout != null ? statementTimeout.toJavaDuration() : leaseTtl.toJavaDuration().multipliedBy(2).dividedBy(3);
    }

    /** The lock timeout data-plane connections get: as configured, else a third of leaseTtl. */
    // qualified: Dropwizard's Duration is the configuration file's type here, java.time's the settings'
    java.time.Duration lockTimeout()
    {
        return lockTimeout != null ? lockTimeout.toJavaDuration() : leaseTtl.toJavaDuration().dividedBy(3);
    }

    // qualified: Dropwizard's Duration is the configuration file's type here, java.time's the settings'
    DataPlaneSettings settings(String workerId, java.time.Duration sourceConnectTimeout, boolean allowPrivateWebhookTargets)
    {
        return new DataPlaneSettings(workerId, leaseTtl.toJavaDuration(), tickInterval.toJavaDuration(), DataPlaneSettings.MAX_CLAIMS_PER_TICK,
                rebalanceDelay.toJavaDuration(),
                new ExtractorSettings(batchMessages, batchDelay.toJavaDuration(), ExtractorSettings.IDLE_POLL, sourceConnectTimeout, maxBacklog,
                        ExtractorSettings.BACKLOG_CHECK_INTERVAL, backfillChunkRows),
                new PushSettings(pushConcurrency, pushTimeout.toJavaDuration(), retryBackoff.toJavaDuration(), retryBackoffCap.toJavaDuration(),
                        allowPrivateWebhookTargets));
    }

    /** A declared default as the configuration file writes it (so it prints as "15 seconds", not "15000 milliseconds"). */
    // qualified: Dropwizard's Duration is the configuration file's type here, java.time's the settings'
    static Duration fromJava(java.time.Duration duration)
    {
        return Duration.parse(Setting.durationText(duration));
    }

    // qualified: Dropwizard's Duration is the configuration file's type here, java.time's the settings'
    static java.time.Duration toJava(Duration duration)
    {
        return duration == null ? null : duration.toJavaDuration();
    }

    @JsonProperty
    public Duration getLeaseTtl()
    {
        return leaseTtl;
    }

    @JsonProperty
    public void setLeaseTtl(Duration leaseTtl)
    {
        this.leaseTtl = leaseTtl;
    }

    @JsonProperty
    public Duration getTickInterval()
    {
        return tickInterval;
    }

    @JsonProperty
    public void setTickInterval(Duration tickInterval)
    {
        this.tickInterval = tickInterval;
    }

    @JsonProperty
    public Duration getRebalanceDelay()
    {
        return rebalanceDelay;
    }

    @JsonProperty
    public void setRebalanceDelay(Duration rebalanceDelay)
    {
        this.rebalanceDelay = rebalanceDelay;
    }

    @JsonProperty
    public Duration getStatementTimeout()
    {
        return statementTimeout;
    }

    @JsonProperty
    public void setStatementTimeout(Duration statementTimeout)
    {
        this.statementTimeout = statementTimeout;
    }

    @JsonProperty
    public Duration getLockTimeout()
    {
        return lockTimeout;
    }

    @JsonProperty
    public void setLockTimeout(Duration lockTimeout)
    {
        this.lockTimeout = lockTimeout;
    }

    @JsonProperty
    public int getBatchMessages()
    {
        return batchMessages;
    }

    @JsonProperty
    public void setBatchMessages(int batchMessages)
    {
        this.batchMessages = batchMessages;
    }

    @JsonProperty
    public Duration getBatchDelay()
    {
        return batchDelay;
    }

    @JsonProperty
    public void setBatchDelay(Duration batchDelay)
    {
        this.batchDelay = batchDelay;
    }

    @JsonProperty
    public long getMaxBacklog()
    {
        return maxBacklog;
    }

    @JsonProperty
    public void setMaxBacklog(long maxBacklog)
    {
        this.maxBacklog = maxBacklog;
    }

    @JsonProperty
    public int getBackfillChunkRows()
    {
        return backfillChunkRows;
    }

    @JsonProperty
    public void setBackfillChunkRows(int backfillChunkRows)
    {
        this.backfillChunkRows = backfillChunkRows;
    }

    @JsonProperty
    public int getPushConcurrency()
    {
        return pushConcurrency;
    }

    @JsonProperty
    public void setPushConcurrency(int pushConcurrency)
    {
        this.pushConcurrency = pushConcurrency;
    }

    @JsonProperty
    public Duration getPushTimeout()
    {
        return pushTimeout;
    }

    @JsonProperty
    public void setPushTimeout(Duration pushTimeout)
    {
        this.pushTimeout = pushTimeout;
    }

    @JsonProperty
    public Duration getRetryBackoff()
    {
        return retryBackoff;
    }

    @JsonProperty
    public void setRetryBackoff(Duration retryBackoff)
    {
        this.retryBackoff = retryBackoff;
    }

    @JsonProperty
    public Duration getRetryBackoffCap()
    {
        return retryBackoffCap;
    }

    @JsonProperty
    public void setRetryBackoffCap(Duration retryBackoffCap)
    {
        this.retryBackoffCap = retryBackoffCap;
    }

    @JsonProperty
    public Duration getSourceFailingAlert()
    {
        return sourceFailingAlert;
    }

    @JsonProperty
    public void setSourceFailingAlert(Duration sourceFailingAlert)
    {
        this.sourceFailingAlert = sourceFailingAlert;
    }

    @JsonProperty
    public DataSize getSlotLagAlert()
    {
        return slotLagAlert;
    }

    @JsonProperty
    public void setSlotLagAlert(DataSize slotLagAlert)
    {
        this.slotLagAlert = slotLagAlert;
    }

    @JsonProperty
    public Duration getPushFailingAlert()
    {
        return pushFailingAlert;
    }

    @JsonProperty
    public void setPushFailingAlert(Duration pushFailingAlert)
    {
        this.pushFailingAlert = pushFailingAlert;
    }
}
