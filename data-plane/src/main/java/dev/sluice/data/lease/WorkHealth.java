package dev.sluice.data.lease;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * How a piece of leased work is doing, for health checks.
 *
 * @param unit the work unit ({@code extract:<source>} or {@code deliver:<consumer>})
 * @param failingSince when the work last went from working to failing; empty while it works
 * @param lastError what the last failure said
 * @param slotLagBytes for a source, the WAL its slot holds beyond what Sluice confirmed, when known
 */
public record WorkHealth(String unit, Optional<Instant> failingSince, Optional<String> lastError, OptionalLong slotLagBytes)
{
    public WorkHealth
    {
        requireNonNull(unit, "unit is null");
        requireNonNull(failingSince, "failingSince is null");
        requireNonNull(lastError, "lastError is null");
        requireNonNull(slotLagBytes, "slotLagBytes is null");
    }
}
