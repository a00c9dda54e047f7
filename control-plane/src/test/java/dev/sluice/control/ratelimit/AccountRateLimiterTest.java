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
        AccountRateLimiter limiter = new AccountRateLimiter(RateLimit.off(), clock::get);
        for (int i = 0; i < 10_000; i++) {
            limiter.acquire(first);
        }
    }
}
