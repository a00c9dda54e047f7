package dev.sluice.core.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static java.util.Objects.requireNonNull;

/**
 * Exponential backoff with jitter, the one Sluice's servers use: attempt n waits {@code base × 2^(n−1)}, at
 * most {@code cap}, scaled by a random factor in [0.5, 1] so that many retrying at once spread out.
 */
public record Backoff(Duration base, Duration cap)
{
    public Backoff
    {
        requireNonNull(base, "base is null");
        requireNonNull(cap, "cap is null");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base must be positive");
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("cap must be at least base");
        }
    }

    /** How long to wait before attempt {@code attempt} + 1, after {@code attempt} (1 or more) failed. */
    public Duration delay(int attempt)
    {
        return ceiling(attempt).multipliedBy(500 + ThreadLocalRandom.current().nextInt(501)).dividedBy(1000);
    }

    /** The longest {@link #delay} can be after {@code attempt} failures. */
    public Duration ceiling(int attempt)
    {
        int doublings = Math.min(Math.max(0, attempt - 1), 62);
        double millis = base.toMillis() * Math.pow(2, doublings);
        return millis >= cap.toMillis() ? cap : Duration.ofMillis((long) millis);
    }

    /**
     * Waits for {@code duration}; false when the thread was interrupted meanwhile (its interrupt flag is set again,
     * so the caller's loop sees it and stops).
     */
    public static boolean pause(Duration duration)
    {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
