package dev.sluice.control.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.api.model.Problem;
import dev.sluice.control.StoreErrors;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.util.UUID;

/**
 * Anything not mapped elsewhere. A body that was too large surfaces here wrapped by Jersey, text the
 * metadata store cannot hold is the caller's mistake, an
 * unreachable metadata store is a 503 to retry; everything else is a 500 with an error id that is logged with the stack trace and returned to the caller.
 */
public final class UnexpectedExceptionMapper
        implements ExceptionMapper<Throwable>
{
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable exception)
    {
        // first: a connection to the metadata store that broke mid-query carries an EOFException as its cause
        if (StoreErrors.isUnavailable(exception)) {
            LOG.warn("metadata store unavailable: {}", exception.toString());
            return Response.fromResponse(Problems.response(Problems.problem(ErrorCode.METADATA_UNAVAILABLE,
                            "the metadata store cannot be reached for a moment; retry after the time in Retry-After")))
                    .header("Retry-After", "1")
                    .build();
        }
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SluiceException sluice) {
                return new SluiceExceptionMapper().toResponse(sluice);
            }
            if (cause instanceof JsonProcessingException json) {
                return new JsonExceptionMapper().toResponse(json);
            }
            if (cause instanceof EofException || cause instanceof EOFException) {
                return Problems.response(Problems.problem(ErrorCode.MALFORMED_REQUEST, "request body ended early"));
            }
        }
        if (StoreErrors.isUnstorableText(exception)) {
            // strings in bodies are checked as they are read; this catches the same text arriving in a path or query parameter
            return Problems.response(Problems.problem(ErrorCode.MALFORMED_REQUEST, "a parameter " + NulFreeStringDeserializer.MESSAGE));
        }
        return unexpected(exception);
    }

    static Response unexpected(Throwable exception)
    {
        String errorId = UUID.randomUUID().toString();
        LOG.error("unexpected error {}", errorId, exception);
        Problem problem = Problems.problem(ErrorCode.INTERNAL, "unexpected error; quote error id " + errorId + " to support");
        problem.setErrorId(errorId);
        return Problems.response(problem);
    }
}
