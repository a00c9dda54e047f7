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
 */
public record ExtractorSettings(int batchMessages, Duration batchDelay, Duration idlePoll, Duration connectTimeout)
{
    public ExtractorSettings
    {
        if (batchMessages < 1) {
            throw new IllegalArgumentException("batchMessages must be positive");
        }
        requireNonNull(batchDelay, "batchDelay is null");
        requireNonNull(idlePoll, "idlePoll is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
    }

    public static ExtractorSettings defaults()
    {
        return new ExtractorSettings(2000, Duration.ofMillis(20), Duration.ofMillis(5), Duration.ofSeconds(5));
    }
}
