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
 */
public record ExtractorSettings(int batchMessages, Duration batchDelay, Duration idlePoll, Duration connectTimeout, long maxBacklog, Duration backlogCheckInterval)
{
    /** Rows a backfill reads per chunk. */
    public int backfillChunkRows()
    {
        return 1000;
    }

    public ExtractorSettings
    {
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
        return new ExtractorSettings(2000, Duration.ofMillis(20), Duration.ofMillis(5), Duration.ofSeconds(5), 10_000_000, Duration.ofSeconds(30));
    }
}
