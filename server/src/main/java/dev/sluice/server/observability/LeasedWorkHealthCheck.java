package dev.sluice.server.observability;

import com.codahale.metrics.health.HealthCheck;
import dev.sluice.data.DataPlane;
import dev.sluice.data.lease.WorkHealth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Health of the work this data-plane worker holds: unhealthy while any of it has failed for longer than a
 * threshold, or while a source's slot holds more WAL than allowed. These checks are about the users' sources
 * and endpoints, not about the worker itself: alert on them, but do not restart a worker because of them.
 */
public final class LeasedWorkHealthCheck
        extends HealthCheck
{
    private final DataPlane dataPlane;
    private final String unitPrefix;
    private final Predicate<WorkHealth> unhealthy;
    private final String problem;

    private LeasedWorkHealthCheck(DataPlane dataPlane, String unitPrefix, Predicate<WorkHealth> unhealthy, String problem)
    {
        this.dataPlane = requireNonNull(dataPlane, "dataPlane is null");
        this.unitPrefix = requireNonNull(unitPrefix, "unitPrefix is null");
        this.unhealthy = requireNonNull(unhealthy, "unhealthy is null");
        this.problem = requireNonNull(problem, "problem is null");
    }

    /** Sources this worker streams whose connection or stream has failed for longer than {@code grace}. */
    public static LeasedWorkHealthCheck sourceConnections(DataPlane dataPlane, Duration grace)
    {
        return new LeasedWorkHealthCheck(dataPlane, "extract:", failingLongerThan(grace), "failing for more than " + grace.toSeconds() + " s");
    }

    /** Sources whose replication slot holds more than {@code maxBytes} of WAL beyond what was confirmed. */
    public static LeasedWorkHealthCheck slotLag(DataPlane dataPlane, long maxBytes)
    {
        return new LeasedWorkHealthCheck(dataPlane, "extract:", work -> work.slotLagBytes().isPresent() && work.slotLagBytes().getAsLong() > maxBytes,
                "slot lag above " + maxBytes + " bytes");
    }

    /** Push consumers whose deliveries have failed for longer than {@code grace}. */
    public static LeasedWorkHealthCheck pushDelivery(DataPlane dataPlane, Duration grace)
    {
        return new LeasedWorkHealthCheck(dataPlane, "deliver:", failingLongerThan(grace), "failing for more than " + grace.toSeconds() + " s");
    }

    private static Predicate<WorkHealth> failingLongerThan(Duration grace)
    {
        return work -> work.failingSince().map(since -> since.plus(grace).isBefore(Instant.now())).orElse(false);
    }

    @Override
    protected Result check()
    {
        List<WorkHealth> failing = dataPlane.health().stream()
                .filter(work -> work.unit().startsWith(unitPrefix))
                .filter(unhealthy)
                .toList();
        if (failing.isEmpty()) {
            return Result.healthy();
        }
        return Result.unhealthy(problem + ": " + failing.stream().map(LeasedWorkHealthCheck::describe).collect(Collectors.joining("; ")));
    }

    private static String describe(WorkHealth work)
    {
        StringBuilder text = new StringBuilder(work.unit().substring(work.unit().indexOf(':') + 1));
        work.slotLagBytes().ifPresent(bytes -> text.append(" (lag ").append(bytes).append(" bytes)"));
        work.lastError().filter(error -> work.failingSince().isPresent()).ifPresent(error -> text.append(" (").append(error).append(')'));
        return text.toString();
    }
}
