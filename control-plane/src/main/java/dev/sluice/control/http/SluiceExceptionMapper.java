package dev.sluice.control.http;

import dev.sluice.api.model.Problem;
import dev.sluice.control.source.SourceCheckFailedException;
import dev.sluice.core.error.RateLimitedException;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Turns domain errors into problems. */
public final class SluiceExceptionMapper
        implements ExceptionMapper<SluiceException>
{
    @Override
    public Response toResponse(SluiceException exception)
    {
        Problem problem = Problems.problem(exception);
        if (exception instanceof SourceCheckFailedException failed) {
            problem.setChecks(failed.failedChecks());
        }
        Response response = Problems.response(problem);
        if (exception instanceof RateLimitedException limited) {
            return Response.fromResponse(response).header("Retry-After", Long.toString(limited.retryAfterSeconds())).build();
        }
        return response;
    }
}
