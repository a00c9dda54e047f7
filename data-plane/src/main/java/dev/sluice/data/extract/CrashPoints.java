package dev.sluice.data.extract;

import dev.sluice.core.Lsn;

import java.util.Optional;

/**
 * Places where a worker can die that matter for exactly-once extraction: after decoding but before the
 * store commit, and after the store commit but before the LSN is confirmed. Production uses
 * {@link #NONE}; tests make a worker die there to prove nothing is lost or stored twice.
 */
public interface CrashPoints
{
    CrashPoints NONE = new CrashPoints() {};

    default void beforeStoreCommit(Optional<Lsn> checkpoint, int changes) {}

    default void afterStoreCommit(Lsn checkpoint, int changes) {}

    /** Thrown by a crash point: the extractor stops at once, confirming nothing more. */
    final class SimulatedCrash
            extends RuntimeException
    {
        public SimulatedCrash(String message)
        {
            super(message);
        }
    }
}
