package dev.sluice.data.deliver;

import dev.sluice.core.retry.Backoff;
import dev.sluice.data.Setting;

import java.time.Duration;

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
    public static final Setting<Integer> CONCURRENCY = Setting.count("dataPlane.pushConcurrency", 16, 1, 1000,
            "Webhook requests in flight at once per push consumer.");

    public static final Setting<Duration> REQUEST_TIMEOUT = Setting.positiveDuration("dataPlane.pushTimeout", Duration.ofSeconds(15),
            "How long a webhook request may take, from connecting to the last byte of the answer.");

    public static final Setting<Duration> BACKOFF_BASE = Setting.positiveDuration("dataPlane.retryBackoff", Duration.ofSeconds(1),
            "Delay before a failed delivery's first retry; doubles per attempt, with jitter.");

    public static final Setting<Duration> BACKOFF_CAP = Setting.positiveDuration("dataPlane.retryBackoffCap", Duration.ofMinutes(10),
            "The longest delay between retries.");

    public static final Setting<Boolean> ALLOW_PRIVATE_TARGETS = Setting.flag("allowPrivateWebhookTargets", false,
            "Whether webhook URLs may resolve to private, loopback or link-local addresses. Keep it `false` in a multi-tenant service.");

    public PushSettings
    {
        CONCURRENCY.check(concurrency);
        REQUEST_TIMEOUT.check(requestTimeout);
        BACKOFF_BASE.check(backoffBase);
        BACKOFF_CAP.check(backoffCap);
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
        return new PushSettings(CONCURRENCY.defaultValue(), REQUEST_TIMEOUT.defaultValue(), BACKOFF_BASE.defaultValue(), BACKOFF_CAP.defaultValue(), allowPrivateTargets);
    }
}
