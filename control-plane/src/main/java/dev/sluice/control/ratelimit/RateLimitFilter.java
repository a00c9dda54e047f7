package dev.sluice.control.ratelimit;

import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

import static java.util.Objects.requireNonNull;

/** Counts every authenticated request against its account's rate limit, after authentication and before any work. */
@Priority(Priorities.AUTHORIZATION)
public final class RateLimitFilter
        implements ContainerRequestFilter
{
    private final AccountRateLimiter limiter;

    public RateLimitFilter(AccountRateLimiter limiter)
    {
        this.limiter = requireNonNull(limiter, "limiter is null");
    }

    @Override
    public void filter(ContainerRequestContext request)
    {
        if (Callers.current().orElse(null) instanceof Caller.AccountToken account) {
            limiter.acquire(account.accountId());
        }
    }
}
