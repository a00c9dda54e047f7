package dev.sluice.control.ratelimit;

/**
 * Requests an account may make per second on one control-plane node, with a burst on top; zero requests per
 * second turns limiting off.
 */
public record RateLimit(double requestsPerSecond, int burst)
{
    public RateLimit
    {
        if (requestsPerSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("requestsPerSecond and burst must not be negative");
        }
        if (requestsPerSecond > 0 && burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1 when requests are limited");
        }
    }

    public static RateLimit off()
    {
        return new RateLimit(0, 0);
    }

    public boolean enabled()
    {
        return requestsPerSecond > 0;
    }
}
