package dev.sluice.data.lease;

/** Work a worker does while it holds a lease: streaming a source, or delivering a push consumer. */
public interface LeasedWork
        extends Runnable
{
    HeldLease lease();

    /** Asks the work to stop at its next step; whatever it stored stays stored. */
    void stop();

    /** How the work is doing; read from other threads. */
    WorkHealth health();
}
