package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every operation in openapi.yaml that names a resource in its path, another account's token gets a
 * 404 for account A's resource (never a 403 that would tell it exists), and A's resources are unchanged.
 */
class TenantIsolationIT
{
    private static final TestServer SERVER = TestServer.get();
    private static final List<String> PUBLIC_VIEWS = List.of("/v1/sources", "/v1/http-endpoints", "/v1/consumers", "/v1/tokens");

    @Test
    void everyResourcePathIsA404ForAnotherAccount()
    {
        Account owner = SERVER.newAccount("owner");
        Account intruder = SERVER.newAccount("intruder");
        Map<String, String> ids = resourcesOf(owner);
        Map<String, String> before = snapshot(owner);

        OpenApiSpec spec = OpenApiSpec.load();
        List<String> tested = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.paths().fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            String template = path.getKey();
            if (!template.contains("{") || template.startsWith("/v1/accounts")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields(); operations.hasNext(); ) {
                Map.Entry<String, JsonNode> operation = operations.next();
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                String concrete = template;
                for (Map.Entry<String, String> id : ids.entrySet()) {
                    concrete = concrete.replace("{" + id.getKey() + "}", id.getValue());
                }
                assertThat(concrete).as("every path parameter has an owner's resource").doesNotContain("{");
                JsonNode requestBody = operation.getValue().path("requestBody");
                String body = requestBody.isMissingNode() ? null
                        : spec.minimalValue(requestBody.path("content").path("application/json").path("schema")).toString();
                Reply reply = SERVER.request(method, concrete, intruder.token(), body);
                assertThat(reply.status()).as(method + " " + concrete + " with " + body + " -> " + reply.body()).isEqualTo(404);
                assertThat(reply.json().path("code").asText()).isEqualTo("not_found");
                tested.add(method + " " + template);
            }
        }
        assertThat(tested).hasSizeGreaterThanOrEqualTo(25);
        assertThat(snapshot(owner)).as("the owner's resources are unchanged").isEqualTo(before);
        for (String list : PUBLIC_VIEWS) {
            assertThat(SERVER.request("GET", list, intruder.token(), null).body()).as(list).doesNotContain(owner.id()).doesNotContain(ids.get("sourceId"));
        }
    }

    @Test
    void namesAreScopedToTheAccount()
    {
        Account first = SERVER.newAccount("names-a");
        Account second = SERVER.newAccount("names-b");
        Reply a = SERVER.request("POST", "/v1/http-endpoints", first.token(), "{\"name\":\"shared-name\",\"url\":\"https://a.example.com/\"}");
        Reply b = SERVER.request("POST", "/v1/http-endpoints", second.token(), "{\"name\":\"shared-name\",\"url\":\"https://b.example.com/\"}");
        assertThat(a.status()).isEqualTo(201);
        assertThat(b.status()).isEqualTo(201);
        assertThat(SERVER.request("GET", "/v1/http-endpoints/shared-name", second.token(), null).json().path("url").asText()).isEqualTo("https://b.example.com/");
    }

    private static Map<String, String> resourcesOf(Account owner)
    {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("sourceId", ConsumersIT.createSource(owner));
        SourcePostgres.logical().execute(SourcePostgres.DATABASE, "create table if not exists isolation_items (id bigint primary key, label text)");
        ids.put("endpointId", SERVER.request("POST", "/v1/http-endpoints", owner.token(), "{\"name\":\"hook\",\"url\":\"https://example.com/h\"}").json().path("id").asText());
        ids.put("consumerId", SERVER.request("POST", "/v1/consumers", owner.token(),
                "{\"name\":\"items\",\"source_id\":\"" + ids.get("sourceId") + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"isolation_items\"}]}").json().path("id").asText());
        ids.put("backfillId", SERVER.request("POST", "/v1/consumers/" + ids.get("consumerId") + "/backfills", owner.token(), "{}").json().path("id").asText());
        ids.put("tokenId", SERVER.request("POST", "/v1/tokens", owner.token(), "{\"name\":\"reader\",\"scopes\":[\"read\"]}").json().path("id").asText());
        assertThat(ids.values()).allSatisfy(id -> assertThat(id).isNotEmpty());
        return ids;
    }

    private static Map<String, String> snapshot(Account owner)
    {
        Map<String, String> state = new LinkedHashMap<>();
        for (String list : PUBLIC_VIEWS) {
            JsonNode data = SERVER.request("GET", list, owner.token(), null).json().path("data");
            for (JsonNode item : data) {
                ((ObjectNode) item).remove("last_used_at");
            }
            state.put(list, data.toString());
        }
        return state;
    }
}
