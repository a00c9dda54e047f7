package dev.sluice.data.lease;

/** The worker no longer holds the lease it wrote under; the write was rolled back. */
public final class LeaseLostException
        extends RuntimeException
{
    public LeaseLostException(String unit, long epoch)
    {
        super("lease " + unit + " (epoch " + epoch + ") is no longer held by this worker");
    }
}
