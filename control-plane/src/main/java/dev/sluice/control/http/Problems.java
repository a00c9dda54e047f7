package dev.sluice.control.http;

import dev.sluice.api.model.FieldError;
import dev.sluice.api.model.Problem;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** Builds {@code application/problem+json} responses, the one shape every error takes. */
public final class Problems
{
    public static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");
    public static final String TYPE_BASE = "https://sluice.dev/problems/";

    private Problems() {}

    public static Problem problem(ErrorCode code, String detail)
    {
        Problem problem = new Problem();
        problem.setType(TYPE_BASE + code.code());
        problem.setTitle(code.title());
        problem.setStatus(code.status());
        problem.setCode(code.code());
        problem.setDetail(detail);
        problem.setErrors(null);
        problem.setChecks(null);
        return problem;
    }

    public static Problem problem(SluiceException exception)
    {
        Problem problem = problem(exception.code(), exception.getMessage());
        List<SluiceException.FieldError> fieldErrors = exception.fieldErrors();
        if (!fieldErrors.isEmpty()) {
            problem.setField(fieldErrors.get(0).field());
            problem.setErrors(fieldErrors.stream().map(error -> new FieldError(error.field(), error.message())).toList());
        }
        return problem;
    }

    public static Response response(Problem problem)
    {
        Response.ResponseBuilder builder = Response.status(problem.getStatus()).type(PROBLEM_JSON).entity(problem);
        if (problem.getStatus() == 401) {
            builder.header("WWW-Authenticate", "Bearer realm=\"sluice\"");
        }
        return builder.build();
    }
}
