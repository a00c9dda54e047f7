package dev.sluice.store.lease;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;

import static java.util.Objects.requireNonNull;

/** A work unit held by a worker; {@code epoch} fences every write the holder makes. */
public record Lease(String unit, String owner, long epoch)
{
    public Lease
    {
        requireNonNull(unit, "unit is null");
        requireNonNull(owner, "owner is null");
    }

    public static String extractUnit(SourceId sourceId)
    {
        return "extract:" + sourceId;
    }

    public static String deliverUnit(ConsumerId consumerId)
    {
        return "deliver:" + consumerId;
    }
}
