package dev.sluice.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.json.SluiceJson;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Errors Jetty answers itself, before a request reaches the API (an empty path segment, an ambiguous or
 * undecodable URI, a bad header), as {@code application/problem+json} like every other error, instead of
 * Jetty's HTML page.
 */
public final class ProblemErrorHandler
        extends ErrorHandler
{
    private static final ObjectMapper JSON = SluiceJson.mapper();

    @Override
    public boolean handle(Request request, Response response, Callback callback)
    {
        int status = response.getStatus() >= 400 ? response.getStatus() : 500;
        Object message = request.getAttribute(ERROR_MESSAGE);
        ErrorCode code = Arrays.stream(ErrorCode.values()).filter(candidate -> candidate.status() == status).findFirst()
                .orElse(status < 500 ? ErrorCode.MALFORMED_REQUEST : ErrorCode.INTERNAL);
        ObjectNode problem = JSON.createObjectNode();
        problem.put("type", "https://sluice.dev/problems/" + code.name().toLowerCase(Locale.ROOT));
        problem.put("title", code.title());
        problem.put("status", status);
        problem.put("code", code.name().toLowerCase(Locale.ROOT));
        problem.put("detail", message == null ? code.title() : "the request was refused before it reached the API: " + message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(problem.toString().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
