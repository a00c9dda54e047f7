package dev.sluice.server.docs;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Serves the API's OpenAPI document at {@code /openapi.yaml} and Swagger UI (from its webjar) at
 * {@code /docs/}. Both are public: the spec holds no tenant data, and calls made from Swagger UI carry
 * the token the reader types in.
 */
public final class ApiDocsServlet
        extends HttpServlet
{
    private static final String SPEC = "/dev/sluice/openapi/openapi.yaml";
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png");
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Sluice API</title>
              <link rel="stylesheet" href="swagger-ui/swagger-ui.css">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="swagger-ui/swagger-ui-bundle.js"></script>
              <script src="swagger-ui/swagger-ui-standalone-preset.js"></script>
              <script src="swagger-ui/start.js"></script>
            </body>
            </html>
            """;
    private static final String START = """
            window.ui = SwaggerUIBundle({
              url: new URL('../openapi.yaml', window.location.href).toString(),
              dom_id: '#swagger-ui',
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
              layout: 'StandaloneLayout',
              persistAuthorization: false
            });
            """;

    private final String webjarVersion = webjarVersion();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException
    {
        String path = request.getServletPath() + Optional.ofNullable(request.getPathInfo()).orElse("");
        if (path.equals("/openapi.yaml")) {
            try (InputStream spec = ApiDocsServlet.class.getResourceAsStream(SPEC)) {
                send(response, "application/yaml; charset=utf-8", spec.readAllBytes());
            }
        }
        else if (path.equals("/docs")) {
            response.sendRedirect(request.getRequestURI() + "/");
        }
        else if (path.equals("/docs/")) {
            send(response, "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8));
        }
        else if (path.equals("/docs/swagger-ui/start.js")) {
            send(response, "text/javascript; charset=utf-8", START.getBytes(StandardCharsets.UTF_8));
        }
        else if (path.startsWith("/docs/swagger-ui/") && ASSETS.containsKey(path.substring("/docs/swagger-ui/".length()))) {
            String name = path.substring("/docs/swagger-ui/".length());
            try (InputStream asset = ApiDocsServlet.class.getClassLoader().getResourceAsStream(WEBJAR + webjarVersion + "/" + name)) {
                if (asset == null) {
                    response.sendError(404);
                    return;
                }
                response.setHeader("Cache-Control", "public, max-age=86400");
                send(response, ASSETS.get(name), asset.readAllBytes());
            }
        }
        else {
            response.sendError(404);
        }
    }

    private static void send(HttpServletResponse response, String contentType, byte[] body)
            throws IOException
    {
        response.setContentType(contentType);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String webjarVersion()
    {
        try (InputStream pom = ApiDocsServlet.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (pom == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the class path");
            }
            Properties properties = new Properties();
            properties.load(pom);
            return properties.getProperty("version");
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
