package dev.sluice.data.lease;

import java.time.Instant;
import java.util.Optional;

/** Remembers since when work has been failing: the first failure after a success starts the clock, a success stops it. */
public final class FailureTracker
{
    private Instant failingSince;
    private String lastError;

    public synchronized void failed(String error)
    {
        if (failingSince == null) {
            failingSince = Instant.now();
        }
        lastError = error;
    }

    public synchronized void succeeded()
    {
        failingSince = null;
    }

    public synchronized Optional<Instant> failingSince()
    {
        return Optional.ofNullable(failingSince);
    }

    public synchronized Optional<String> lastError()
    {
        return Optional.ofNullable(lastError);
    }
}
