package dev.sluice.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.data.DataPlaneSettings;
import dev.sluice.data.deliver.PushSettings;
import dev.sluice.data.extract.ExtractorSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;

/** The data plane's settings in the configuration file, each with its default. */
public class DataPlaneFactory
{
    /** How long a worker's lease lasts without renewal: a dead worker's sources move to others within it. */
    @NotNull
    private Duration leaseTtl = Duration.seconds(15);

    /** How often a worker renews and claims leases; at most a third of leaseTtl. */
    @NotNull
    private Duration tickInterval = Duration.seconds(3);

    /**
     * How long a worker must have been live before units are handed over to it to balance the load, and how long after
     * a failure of the metadata store no unit moves for balance. Every move pauses its unit for a moment. At least leaseTtl.
     */
    @NotNull
    private Duration rebalanceDelay = Duration.seconds(30);

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

    /**
     * The longest a statement of a data-plane process may run in the metadata store (Postgres's statement_timeout on
     * its connections); shorter than leaseTtl, so a data transaction holding its lease's fence gives up (and is retried)
     * before the lease could expire under it. Unset: two thirds of leaseTtl.
     */
    private Duration statementTimeout;

    /** The longest a statement of a data-plane process waits for a lock (Postgres's lock_timeout); unset: a third of leaseTtl. */
    private Duration lockTimeout;

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

    /** The statement timeout data-plane connections get: as configured, else two thirds of leaseTtl. */
    java.time.Duration statementTimeout()
    {
        return statementTimeout != null ? statementTimeout.toJavaDuration() : leaseTtl.toJavaDuration().multipliedBy(2).dividedBy(3);
    }

    /** The lock timeout data-plane connections get: as configured, else a third of leaseTtl. */
    java.time.Duration lockTimeout()
    {
        return lockTimeout != null ? lockTimeout.toJavaDuration() : leaseTtl.toJavaDuration().dividedBy(3);
    }

    /** Changes per metadata-store transaction, and the most held in memory per source. */
    @Min(1)
    @Max(100_000)
    private int batchMessages = 10_000;

    /** The longest a committed change waits for more to fill its batch. */
    @NotNull
    private Duration batchDelay = Duration.milliseconds(5);

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

    /** Messages a consumer may have waiting before its source's extraction pauses, so an unread stream cannot fill the store. */
    @Min(1)
    private long maxBacklog = 10_000_000;

    @Min(1)
    @Max(1_000_000)
    private int backfillChunkRows = ExtractorSettings.DEFAULT_BACKFILL_CHUNK_ROWS;

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
    public long getMaxBacklog()
    {
        return maxBacklog;
    }

    @JsonProperty
    public void setMaxBacklog(long maxBacklog)
    {
        this.maxBacklog = maxBacklog;
    }

    /** Webhook requests in flight at once per push consumer. */
    @Min(1)
    @Max(1000)
    private int pushConcurrency = 16;

    /** How long a webhook target may take to answer. */
    @NotNull
    private Duration pushTimeout = Duration.seconds(15);

    /** Delay before a failed delivery's first retry; it doubles with each attempt, with jitter. */
    @NotNull
    private Duration retryBackoff = Duration.seconds(1);

    /** The longest delay between retries. */
    @NotNull
    private Duration retryBackoffCap = Duration.minutes(10);

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

    /** Health check "sources": unhealthy while a source this worker streams has failed for longer than this. */
    @NotNull
    private Duration sourceFailingAlert = Duration.minutes(2);

    /** Health check "slot-lag": unhealthy while a source's replication slot holds more WAL than this beyond what Sluice confirmed. */
    @NotNull
    private DataSize slotLagAlert = DataSize.gibibytes(1);

    /** Health check "push-delivery": unhealthy while a push consumer's deliveries have failed for longer than this. */
    @NotNull
    private Duration pushFailingAlert = Duration.minutes(15);

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

    DataPlaneSettings settings(String workerId, java.time.Duration sourceConnectTimeout, boolean allowPrivateWebhookTargets)
    {
        return new DataPlaneSettings(workerId, leaseTtl.toJavaDuration(), tickInterval.toJavaDuration(), 2, rebalanceDelay.toJavaDuration(),
                new ExtractorSettings(batchMessages, batchDelay.toJavaDuration(), java.time.Duration.ofMillis(5), sourceConnectTimeout, maxBacklog,
                        java.time.Duration.ofSeconds(30), backfillChunkRows),
                new PushSettings(pushConcurrency, pushTimeout.toJavaDuration(), retryBackoff.toJavaDuration(), retryBackoffCap.toJavaDuration(),
                        allowPrivateWebhookTargets));
    }
}
