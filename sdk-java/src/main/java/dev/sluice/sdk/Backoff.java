package dev.sluice.sdk;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Exponential backoff for redelivering a failed message: the first failure waits {@code initial}, each
 * further one twice as long as the one before, never more than {@code max}. Whole seconds, as the nack
 * API takes them.
 */
public record Backoff(Duration initial, Duration max)
{
    /** The longest delay the nack API accepts (12 hours). */
    public static final Duration LONGEST = Duration.ofHours(12);

    /** 1 second, then 2, 4, 8 … up to 5 minutes. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    public Backoff
    {
        requireNonNull(initial, "initial is null");
        requireNonNull(max, "max is null");
        if (initial.isNegative()) {
            throw new IllegalArgumentException("initial must not be negative: " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must not be less than initial: " + max + " < " + initial);
        }
        if (max.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("max must not exceed " + LONGEST + ": " + max);
        }
    }

    /** The delay, in whole seconds, before a message that failed on its {@code deliverCount}-th delivery comes back. */
    public int delaySeconds(int deliverCount)
    {
        if (deliverCount < 1) {
            throw new IllegalArgumentException("deliverCount must be positive: " + deliverCount);
        }
        long maxSeconds = max.toSeconds();
        long delay = initial.toSeconds();
        for (int failure = 1; failure < deliverCount && delay > 0 && delay < maxSeconds; failure++) {
            delay *= 2;
        }
        return (int) Math.min(delay, maxSeconds);
    }
}
