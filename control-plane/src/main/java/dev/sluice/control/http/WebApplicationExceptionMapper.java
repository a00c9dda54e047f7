package dev.sluice.control.http;

import dev.sluice.api.model.FieldError;
import dev.sluice.api.model.Problem;
import dev.sluice.core.error.ErrorCode;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.glassfish.jersey.server.ParamException;

import java.util.List;

/** Routing and content-negotiation errors from Jersey (unknown path, wrong method, wrong media type). */
public final class WebApplicationExceptionMapper
        implements ExceptionMapper<WebApplicationException>
{
    @Override
    public Response toResponse(WebApplicationException exception)
    {
        if (exception instanceof ParamException param) {
            String name = param.getParameterName();
            Problem problem = Problems.problem(ErrorCode.MALFORMED_REQUEST, name + ": invalid value");
            problem.setField(name);
            problem.setErrors(List.of(new FieldError(name, "invalid value")));
            return Problems.response(problem);
        }
        if (exception instanceof NotFoundException) {
            return Problems.response(Problems.problem(ErrorCode.NOT_FOUND, "no such path"));
        }
        if (exception instanceof NotAllowedException) {
            Response response = Problems.response(Problems.problem(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this path"));
            return Response.fromResponse(response).allow(exception.getResponse().getAllowedMethods()).build();
        }
        if (exception instanceof NotSupportedException) {
            return Problems.response(Problems.problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the request body as application/json"));
        }
        if (exception instanceof NotAcceptableException) {
            return Problems.response(Problems.problem(ErrorCode.NOT_ACCEPTABLE, "responses are application/json or application/problem+json"));
        }
        int status = exception.getResponse().getStatus();
        if (status >= 500) {
            return UnexpectedExceptionMapper.unexpected(exception);
        }
        ErrorCode code = status == 413 ? ErrorCode.PAYLOAD_TOO_LARGE : status == 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.MALFORMED_REQUEST;
        String message = exception.getMessage() == null ? code.title() : exception.getMessage();
        Problem problem = Problems.problem(code, message);
        problem.setStatus(status);
        return Problems.response(problem);
    }
}
