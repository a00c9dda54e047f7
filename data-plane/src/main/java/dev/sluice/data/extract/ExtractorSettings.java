package dev.sluice.data.extract;

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
    public static final int DEFAULT_BACKFILL_CHUNK_ROWS = 10_000;

    public ExtractorSettings(int batchMessages, Duration batchDelay, Duration idlePoll, Duration connectTimeout, long maxBacklog, Duration backlogCheckInterval)
    {
        this(batchMessages, batchDelay, idlePoll, connectTimeout, maxBacklog, backlogCheckInterval, DEFAULT_BACKFILL_CHUNK_ROWS);
    }

    public ExtractorSettings
    {
        if (backfillChunkRows < 1) {
            throw new IllegalArgumentException("backfillChunkRows must be positive");
        }
        if (batchMessages < 1) {
            throw new IllegalArgumentException("batchMessages must be positive");
        }
        requireNonNull(batchDelay, "batchDelay is null");
        requireNonNull(idlePoll, "idlePoll is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("maxBacklog must be positive");
        }
        requireNonNull(backlogCheckInterval, "backlogCheckInterval is null");
    }

    public static ExtractorSettings defaults()
    {
        return new ExtractorSettings(10_000, Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofSeconds(5), 10_000_000, Duration.ofSeconds(30));
    }
}
