package dev.sluice.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.sdk.invoker.ApiClient;
import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An API call that the server answered with an error status. Every API class handed out by
 * {@link SluiceClient} throws this (its methods declare the superclass {@link ApiException}, which is
 * unchecked); catch it to read the {@link #status() HTTP status} and the problem's stable
 * {@link #code() code} (e.g. {@code not_found} or {@code validation_failed}), {@link #field() field} and
 * {@link #detail() detail}.
 *
 * <pre>{@code
 * try {
 *     client.consumers().getConsumer("orders");
 * }
 * catch (SluiceApiException e) {
 *     if (e.status() == 404) { ... }
 * }
 * }</pre>
 *
 * <p>A request that got no answer (a refused connection, a timeout) throws a plain {@link ApiException}
 * with status 0. {@link #getCode()} is the HTTP status too, as in {@link ApiException}.
 */
public final class SluiceApiException
        extends ApiException
{
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    SluiceApiException(String operationId, int status, HttpHeaders headers, String body, Optional<Problem> problem)
    {
        super(message(operationId, status, body, problem), status, headers, body);
        this.problem = problem.orElse(null);
    }

    /** Reads the error response of {@code operationId}; its body is parsed as a problem when it is one. */
    static SluiceApiException from(String operationId, HttpResponse<InputStream> response, ObjectMapper json)
            throws IOException
    {
        String body;
        try (InputStream stream = ApiClient.getResponseBody(response)) {
            body = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new SluiceApiException(operationId, response.statusCode(), response.headers(), body, parseProblem(body, json));
    }

    /** The problem the server returned; empty when the body was not one (a proxy's error page, say). */
    public Optional<Problem> problem()
    {
        return Optional.ofNullable(problem);
    }

    /** The problem's stable code ({@code not_found}, {@code validation_failed}, …); empty when there was no problem body. */
    public Optional<String> code()
    {
        return problem().map(Problem::getCode);
    }

    /** The same as {@link #code()}. */
    public Optional<String> problemCode()
    {
        return code();
    }

    /** The request field the problem is about, as a JSON path such as {@code tables[0].table}; empty when it is about no one field. */
    public Optional<String> field()
    {
        return problem().map(Problem::getField);
    }

    /** The server's explanation, for people; empty when there was none. */
    public Optional<String> detail()
    {
        return problem().map(Problem::getDetail);
    }

    /** The HTTP status; the same as {@link #getCode()}. */
    public int status()
    {
        return getCode();
    }

    private static Optional<Problem> parseProblem(String body, ObjectMapper json)
    {
        if (!body.stripLeading().startsWith("{")) {
            return Optional.empty();
        }
        try {
            Problem problem = json.readValue(body, Problem.class);
            return problem.getCode() == null ? Optional.empty() : Optional.of(problem);
        }
        catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String message(String operationId, int status, String body, Optional<Problem> problem)
    {
        requireNonNull(operationId, "operationId is null");
        if (problem.isEmpty()) {
            return operationId + " failed: HTTP " + status + (body.isBlank() ? "" : ": " + abbreviate(body));
        }
        Problem details = problem.get();
        StringBuilder message = new StringBuilder(operationId).append(" failed: HTTP ").append(status).append(' ').append(details.getCode());
        if (details.getDetail() != null) {
            message.append(": ").append(details.getDetail());
        }
        if (details.getField() != null) {
            message.append(" (field ").append(details.getField()).append(')');
        }
        if (details.getErrorId() != null) {
            message.append(" [error id ").append(details.getErrorId()).append(']');
        }
        return message.toString();
    }

    private static String abbreviate(String body)
    {
        return body.length() <= 500 ? body : body.substring(0, 500) + "…";
    }
}
