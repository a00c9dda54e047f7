package dev.sluice.store.lease;

import static java.util.Objects.requireNonNull;

/**
 * A live worker and how many units it holds.
 *
 * @param worker the worker's id
 * @param units the unexpired leases it holds
 * @param settled whether it has been live, without a gap, for at least the settling time asked for, and is still ticking
 */
public record WorkerLoad(String worker, int units, boolean settled)
{
    public WorkerLoad
    {
        requireNonNull(worker, "worker is null");
    }
}
