package dev.sluice.data;

import dev.sluice.data.deliver.PushSettings;
import dev.sluice.data.extract.ExtractorSettings;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * A worker's settings.
 *
 * @param workerId unique per running worker; it owns leases
 * @param leaseTtl how long a lease lasts without renewal: a dead worker's units move after at most this long
 * @param tickInterval how often leases are renewed and claimed; well below {@code leaseTtl}
 * @param maxClaimsPerTick units claimed at most per tick, so that starting workers share the units
 * @param rebalanceDelay how long a worker must have been live before units are handed over to it for balance, and
 *        how long after a failure of the metadata store no unit moves for balance; at least {@code leaseTtl}
 * @param push how push consumers deliver
 */
public record DataPlaneSettings(String workerId, Duration leaseTtl, Duration tickInterval, int maxClaimsPerTick, Duration rebalanceDelay,
        ExtractorSettings extractor, PushSettings push)
{
    public static final Setting<Duration> LEASE_TTL = Setting.positiveDuration("dataPlane.leaseTtl", Duration.ofSeconds(15),
            "How long a lease lasts without renewal: a dead worker's units move within it.");

    public static final Setting<Duration> TICK_INTERVAL = Setting.positiveDuration("dataPlane.tickInterval", Duration.ofSeconds(3),
            "How often a worker renews and claims leases; at most a third of `leaseTtl` (checked at start).");

    public static final Setting<Duration> REBALANCE_DELAY = Setting.positiveDuration("dataPlane.rebalanceDelay", Duration.ofSeconds(30),
            "A unit is handed over for balance only to a worker live for this long, and no unit moves for balance this long after the metadata store "
                    + "failed. At least `leaseTtl` (checked at start).");

    /** Not a setting: units a worker claims at most per tick, so that workers starting together share the units. */
    public static final int MAX_CLAIMS_PER_TICK = 2;

    public DataPlaneSettings
    {
        requireNonNull(workerId, "workerId is null");
        LEASE_TTL.check(leaseTtl);
        TICK_INTERVAL.check(tickInterval);
        REBALANCE_DELAY.check(rebalanceDelay);
        requireNonNull(extractor, "extractor is null");
        requireNonNull(push, "push is null");
        if (tickInterval.multipliedBy(3).compareTo(leaseTtl) > 0) {
            throw new IllegalArgumentException("tickInterval must be at most a third of leaseTtl, so a lease is renewed before it expires");
        }
        if (rebalanceDelay.compareTo(leaseTtl) < 0) {
            throw new IllegalArgumentException("rebalanceDelay must be at least leaseTtl, so workers' heartbeats are current when units move");
        }
    }

    public static String newWorkerId()
    {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static DataPlaneSettings defaults()
    {
        return new DataPlaneSettings(newWorkerId(), LEASE_TTL.defaultValue(), TICK_INTERVAL.defaultValue(), MAX_CLAIMS_PER_TICK, REBALANCE_DELAY.defaultValue(),
                ExtractorSettings.defaults(), PushSettings.defaults(PushSettings.ALLOW_PRIVATE_TARGETS.defaultValue()));
    }
}
