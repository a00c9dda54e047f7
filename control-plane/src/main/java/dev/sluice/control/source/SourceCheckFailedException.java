package dev.sluice.control.source;

import dev.sluice.api.model.Check;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A source could not be saved because it is not ready for streaming; carries what failed. */
public final class SourceCheckFailedException
        extends SluiceException
{
    private final List<CheckResult.Check> failed;

    public SourceCheckFailedException(CheckResult result)
    {
        super(ErrorCode.SOURCE_CHECK_FAILED, "the source is not ready for streaming: "
                + result.failed().stream().map(CheckResult.Check::message).collect(Collectors.joining("; ")));
        this.failed = result.failed();
    }

    public List<Check> failedChecks()
    {
        return failed.stream().map(SourceCheckFailedException::toDto).toList();
    }

    static Check toDto(CheckResult.Check check)
    {
        return new Check(
                Check.NameEnum.fromValue(check.name()),
                Check.StatusEnum.fromValue(check.status().name().toLowerCase(Locale.ROOT)),
                check.message());
    }
}
