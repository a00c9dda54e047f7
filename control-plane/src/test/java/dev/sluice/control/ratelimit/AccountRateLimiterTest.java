package dev.sluice.control.ratelimit;

import dev.sluice.core.error.RateLimitedException;
import dev.sluice.core.id.AccountId;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountRateLimiterTest
{
    private final AtomicLong clock = new AtomicLong();
    private final AccountId first = AccountId.generate();
    private final AccountId second = AccountId.generate();

    @Test
    void aBurstIsAllowedThenRequestsComeAtTheRateWithTheWaitInRetryAfter()
    {
        AccountRateLimiter limiter = new AccountRateLimiter(new RateLimit(2, 3), clock::get);
        for (int i = 0; i < 3; i++) {
            limiter.acquire(first);
        }
        assertThatThrownBy(() -> limiter.acquire(first))
                .isInstanceOfSatisfying(RateLimitedException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(1))
                .hasMessageContaining("more than 2 requests per second");

        clock.addAndGet(500_000_000L);
        limiter.acquire(first);
        assertThatThrownBy(() -> limiter.acquire(first)).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void accountsHaveBucketsOfTheirOwn()
    {
        AccountRateLimiter limiter = new AccountRateLimiter(new RateLimit(1, 1), clock::get);
        limiter.acquire(first);
        assertThatThrownBy(() -> limiter.acquire(first)).isInstanceOf(RateLimitedException.class);
        limiter.acquire(second);
    }

    @Test
    void aSlowRateAsksForALongerWait()
    {
        AccountRateLimiter limiter = new AccountRateLimiter(new RateLimit(0.1, 1), clock::get);
        limiter.acquire(first);
        assertThatThrownBy(() -> limiter.acquire(first))
                .isInstanceOfSatisfying(RateLimitedException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(10));
    }

    @Test
    void aZeroRateLimitsNothing()
    {
        // 10,000 requests in the same nanosecond: under a limit of one a second all but the first are refused,
        // with requestsPerSecond 0 (off, as `sluice dev` runs, whatever the burst) none is
        assertThat(refusedOf(10_000, new RateLimit(1, 1))).isEqualTo(9_999);
        assertThat(refusedOf(10_000, RateLimit.off())).isZero();
        assertThat(refusedOf(10_000, new RateLimit(0, 5))).isZero();
    }

    private int refusedOf(int requests, RateLimit limit)
    {
        AccountRateLimiter limiter = new AccountRateLimiter(limit, clock::get);
        int refused = 0;
        for (int i = 0; i < requests; i++) {
            try {
                limiter.acquire(first);
            }
            catch (RateLimitedException e) {
                refused++;
            }
        }
        return refused;
    }
}
