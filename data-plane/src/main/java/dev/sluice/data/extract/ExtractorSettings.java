package dev.sluice.data.extract;

import dev.sluice.data.Setting;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How extraction batches its writes.
 *
 * @param batchMessages changes per store transaction; also the most a worker holds in memory per source
 * @param batchDelay the longest a committed change waits for more to fill its batch
 * @param idlePoll how long to wait before polling an idle stream again
 * @param connectTimeout how long to wait when connecting to a source
 * @param maxBacklog messages a consumer may have waiting before extraction of its source pauses (backpressure)
 * @param backlogCheckInterval how often the backlog is compared with {@code maxBacklog}
 * @param backfillChunkRows rows a backfill reads per chunk (one select and one watermark per chunk)
 */
public record ExtractorSettings(int batchMessages, Duration batchDelay, Duration idlePoll, Duration connectTimeout, long maxBacklog, Duration backlogCheckInterval,
        int backfillChunkRows)
{
    public static final Setting<Integer> BATCH_MESSAGES = Setting.count("dataPlane.batchMessages", 10_000, 1, 100_000,
            "The most changes per metadata-store transaction, and the most held in memory per source. Batches are smaller when the store keeps up: "
                    + "one goes to the store once it is `batchDelay` old and the store is done with the one before.");

    public static final Setting<Duration> BATCH_DELAY = Setting.duration("dataPlane.batchDelay", Duration.ofMillis(5),
            "How long a committed change waits for more to fill its batch while the store is idle (while the store writes a batch, the next one grows "
                    + "until it is done).");

    public static final Setting<Long> MAX_BACKLOG = Setting.count("dataPlane.maxBacklog", 10_000_000L, 1,
            "Messages a consumer may have waiting before its source's extraction pauses (the source's slot keeps the WAL meanwhile).");

    public static final Setting<Integer> BACKFILL_CHUNK_ROWS = Setting.count("dataPlane.backfillChunkRows", 10_000, 1, 1_000_000,
            "Rows a backfill reads per chunk: one select of the table and one watermark through the WAL per chunk, and the most rows of a backfill "
                    + "held in memory at once.");

    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.positiveDuration("sourceConnectTimeout", Duration.ofSeconds(5),
            "How long to wait when connecting to a source database.");

    /** Not a setting: how long an idle stream waits before it is polled again. */
    public static final Duration IDLE_POLL = Duration.ofMillis(5);

    /** Not a setting: how often the backlog is compared with {@code maxBacklog}. */
    public static final Duration BACKLOG_CHECK_INTERVAL = Duration.ofSeconds(30);

    public ExtractorSettings(int batchMessages, Duration batchDelay, Duration idlePoll, Duration connectTimeout, long maxBacklog, Duration backlogCheckInterval)
    {
        this(batchMessages, batchDelay, idlePoll, connectTimeout, maxBacklog, backlogCheckInterval, BACKFILL_CHUNK_ROWS.defaultValue());
    }

    public ExtractorSettings
    {
        BATCH_MESSAGES.check(batchMessages);
        BATCH_DELAY.check(batchDelay);
        requireNonNull(idlePoll, "idlePoll is null");
        CONNECT_TIMEOUT.check(connectTimeout);
        MAX_BACKLOG.check(maxBacklog);
        requireNonNull(backlogCheckInterval, "backlogCheckInterval is null");
        BACKFILL_CHUNK_ROWS.check(backfillChunkRows);
    }

    public static ExtractorSettings defaults()
    {
        return new ExtractorSettings(BATCH_MESSAGES.defaultValue(), BATCH_DELAY.defaultValue(), IDLE_POLL, CONNECT_TIMEOUT.defaultValue(), MAX_BACKLOG.defaultValue(),
                BACKLOG_CHECK_INTERVAL, BACKFILL_CHUNK_ROWS.defaultValue());
    }
}
