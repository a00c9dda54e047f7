package dev.sluice.data.deliver;

import dev.sluice.core.retry.Backoff;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How push consumers deliver.
 *
 * @param concurrency requests in flight at once per consumer; a hanging key holds one of them
 * @param requestTimeout how long a webhook may take to answer
 * @param backoffBase the delay before the first retry; it doubles with every further attempt
 * @param backoffCap the longest delay between retries
 * @param allowPrivateTargets whether targets may resolve to private, loopback or link-local addresses
 */
public record PushSettings(int concurrency, Duration requestTimeout, Duration backoffBase, Duration backoffCap, boolean allowPrivateTargets)
{
    public PushSettings
    {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be positive");
        }
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(backoffBase, "backoffBase is null");
        requireNonNull(backoffCap, "backoffCap is null");
        // a base and cap that cannot make a backoff refuse to start rather than fail the first retry
        new Backoff(backoffBase, backoffCap);
    }

    /** The retry backoff: {@code backoffBase} doubling up to {@code backoffCap}, with jitter. */
    public Backoff backoff()
    {
        return new Backoff(backoffBase, backoffCap);
    }

    public static PushSettings defaults(boolean allowPrivateTargets)
    {
        return new PushSettings(16, Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofMinutes(10), allowPrivateTargets);
    }
}
