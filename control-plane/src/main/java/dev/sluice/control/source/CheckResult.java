package dev.sluice.control.source;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The outcome of checking a source, one entry per check in the order they ran. */
public record CheckResult(Instant checkedAt, Optional<String> serverVersion, List<Check> checks)
{
    public CheckResult
    {
        requireNonNull(checkedAt, "checkedAt is null");
        requireNonNull(serverVersion, "serverVersion is null");
        checks = List.copyOf(requireNonNull(checks, "checks is null"));
    }

    public boolean ok()
    {
        return checks.stream().noneMatch(check -> check.status() == Status.FAILED);
    }

    public List<Check> failed()
    {
        return checks.stream().filter(check -> check.status() == Status.FAILED).toList();
    }

    /** One check: what was checked, how it went, and what to do about it. */
    public record Check(String name, Status status, String message)
    {
        public Check
        {
            requireNonNull(name, "name is null");
            requireNonNull(status, "status is null");
            requireNonNull(message, "message is null");
        }
    }

    /** How a check went; checks after a failed prerequisite are skipped. */
    public enum Status
    {
        OK, FAILED, SKIPPED
    }
}
