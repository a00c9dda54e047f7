package dev.sluice.core.error;

/** A caller sent more requests than its account may; it may try again after {@link #retryAfterSeconds()}. */
public final class RateLimitedException
        extends SluiceException
{
    private final long retryAfterSeconds;

    public RateLimitedException(long retryAfterSeconds, String message)
    {
        super(ErrorCode.RATE_LIMITED, message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds()
    {
        return retryAfterSeconds;
    }
}
