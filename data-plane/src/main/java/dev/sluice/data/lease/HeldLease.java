package dev.sluice.data.lease;

import dev.sluice.store.lease.LeaseDao;
import org.jdbi.v3.core.Handle;

import static java.util.Objects.requireNonNull;

/**
 * A lease this worker holds. Work done under it writes to the store only through {@link #fence}, inside
 * the same transaction as the write.
 */
public final class HeldLease
{
    private final String unit;
    private final String owner;
    private final long epoch;
    private volatile boolean lost;

    public HeldLease(String unit, String owner, long epoch)
    {
        this.unit = requireNonNull(unit, "unit is null");
        this.owner = requireNonNull(owner, "owner is null");
        this.epoch = epoch;
    }

    public String unit()
    {
        return unit;
    }

    public String owner()
    {
        return owner;
    }

    public long epoch()
    {
        return epoch;
    }

    public boolean isLost()
    {
        return lost;
    }

    public void markLost()
    {
        lost = true;
    }

    /**
     * Locks the lease row for the rest of the transaction and checks this holder still owns it with the
     * same epoch; otherwise throws, so the transaction rolls back. A worker that was paused past its lease
     * (and taken over) therefore cannot write anything when it resumes.
     */
    public void fence(Handle handle)
    {
        if (lost || handle.attach(LeaseDao.class).lockIfHeld(unit, owner, epoch).isEmpty()) {
            lost = true;
            throw new LeaseLostException(unit, epoch);
        }
    }

    @Override
    public String toString()
    {
        return unit + "@" + epoch;
    }
}
