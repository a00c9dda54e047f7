package dev.sluice.control.ratelimit;

import dev.sluice.core.error.RateLimitedException;
import dev.sluice.core.id.AccountId;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * A token bucket per account: it holds up to {@code burst} requests and refills at {@code requestsPerSecond}.
 * A request that finds it empty is refused with the time until the next token. Buckets live in this node's
 * memory, so N control-plane nodes behind a load balancer allow up to N times the rate.
 */
public final class AccountRateLimiter
{
    private final RateLimit limit;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<AccountId, Bucket> buckets = new ConcurrentHashMap<>();

    public AccountRateLimiter(RateLimit limit)
    {
        this(limit, System::nanoTime);
    }

    AccountRateLimiter(RateLimit limit, LongSupplier nanoTime)
    {
        this.limit = requireNonNull(limit, "limit is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** Takes one request from the account's bucket, or throws {@link RateLimitedException}. */
    public void acquire(AccountId accountId)
    {
        if (!limit.enabled()) {
            return;
        }
        Bucket bucket = buckets.computeIfAbsent(accountId, id -> new Bucket(limit.burst(), nanoTime.getAsLong()));
        double wait = bucket.take(limit, nanoTime.getAsLong());
        if (wait > 0) {
            throw new RateLimitedException((long) Math.ceil(wait),
                    "this account sends more than " + format(limit.requestsPerSecond()) + " requests per second; retry after the time in Retry-After");
        }
    }

    private static String format(double rate)
    {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }

    private static final class Bucket
    {
        private double tokens;
        private long updatedNanos;

        Bucket(double tokens, long now)
        {
            this.tokens = tokens;
            this.updatedNanos = now;
        }

        /** Takes a token if there is one and returns 0, or returns the seconds until there will be one. */
        synchronized double take(RateLimit limit, long now)
        {
            tokens = Math.min(limit.burst(), tokens + (now - updatedNanos) / 1e9 * limit.requestsPerSecond());
            updatedNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / limit.requestsPerSecond();
        }
    }
}
