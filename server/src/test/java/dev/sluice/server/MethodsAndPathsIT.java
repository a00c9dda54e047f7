package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What the spec says of methods and path parameters is what the server does: 405 with Allow, and path parameters that match the spec's pattern are served. */
class MethodsAndPathsIT
{
    private static final TestServer SERVER = TestServer.get();
    private static final OpenApiSpec SPEC = OpenApiSpec.load();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @Test
    void everyMethodAPathDoesNotServeIsA405ThatSaysWhichItDoes()
    {
        Account account = SERVER.newAccount("methods");
        Iterator<Map.Entry<String, JsonNode>> paths = SPEC.paths().fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            Set<String> served = new TreeSet<>();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method)) {
                    served.add(method.toUpperCase(Locale.ROOT));
                }
            });
            String url = path.getKey().replaceAll("\\{[^}]+}", "x");
            for (String method : new String[] {"TRACE", "PUT", "PATCH", "DELETE", "GET", "POST"}) {
                if (served.contains(method) || servedByParameterSibling(path.getKey(), method)) {
                    continue;
                }
                Reply reply = SERVER.send(HttpRequest.newBuilder(URI.create(SERVER.baseUrl() + url)).header("Authorization", "Bearer " + account.token())
                        .method(method, HttpRequest.BodyPublishers.noBody()).build());
                assertThat(reply.status()).as("%s %s", method, path.getKey()).isEqualTo(405);
                Set<String> allow = reply.response().headers().firstValue("Allow").map(value -> Arrays.stream(value.split(","))
                        .map(String::strip).filter(name -> !name.equals("HEAD") && !name.equals("OPTIONS")).collect(Collectors.toCollection(TreeSet::new)))
                        .orElse(null);
                assertThat(allow).as("Allow of %s %s", method, path.getKey()).isEqualTo(served);
                assertThat(reply.contentType()).startsWith("application/problem+json");
            }
        }
    }

    /**
     * A literal segment that a sibling path names as a parameter ({@code /v1/consumers/validate} beside
     * {@code /v1/consumers/{consumerId}}) is that parameter's value for the sibling's methods: GET or PATCH of
     * {@code /v1/consumers/validate} is the consumer named "validate", not a method the path lacks.
     */
    private static boolean servedByParameterSibling(String path, String method)
    {
        int slash = path.lastIndexOf('/');
        String last = path.substring(slash + 1);
        if (last.startsWith("{")) {
            return false;
        }
        Iterator<Map.Entry<String, JsonNode>> paths = SPEC.paths().fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> other = paths.next();
            String key = other.getKey();
            if (key.lastIndexOf('/') == slash && key.startsWith(path.substring(0, slash + 1)) && key.substring(slash + 1).startsWith("{")
                    && other.getValue().has(method.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void pathParametersCarryThePatternTheServerAccepts()
    {
        JsonNode parameters = SPEC.resolve(SPEC.paths().path("/v1/sources/{sourceId}").path("get").path("parameters").get(0));
        JsonNode schema = parameters.path("schema");
        Pattern pattern = Pattern.compile(schema.path("pattern").asText());
        assertThat(schema.path("maxLength").asInt()).isEqualTo(63);
        Account account = SERVER.newAccount("paths");
        for (String name : new String[] {"a", "db.main-1_x", "src_01jbz6x6k8v3m2q4r5s6t7v8w9", "Z".repeat(63)}) {
            assertThat(pattern.matcher(name).matches()).isTrue();
            assertThat(SERVER.request("GET", "/v1/sources/" + name, account.token(), null).status()).as(name).isEqualTo(404);
        }
        Reply refused = SERVER.request("GET", "/v1/sources/bad%20name", account.token(), null);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("field").asText()).isEqualTo("sourceId");
    }
}
