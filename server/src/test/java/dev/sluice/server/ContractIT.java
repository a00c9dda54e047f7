package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real responses, successes and problems alike, conform to openapi.yaml and declare nothing it does not. */
class ContractIT
{
    private static final TestServer SERVER = TestServer.get();
    private final OpenApiSpec spec = OpenApiSpec.load();
    private final List<String> violations = new ArrayList<>();
    private int checked;

    @Test
    void responsesMatchTheSpec()
    {
        Account account = SERVER.newAccount("contract");
        String token = account.token();
        SourcePostgres.logical().execute(SourcePostgres.DATABASE, "create table if not exists contract_items (id bigint primary key, label text, meta jsonb)");

        check("/v1/accounts", "POST", SERVER.request("POST", "/v1/accounts", TestServer.OPERATOR_TOKEN, "{\"name\":\"contract-" + System.nanoTime() + "\"}"));
        check("/v1/accounts", "GET", SERVER.request("GET", "/v1/accounts?limit=1", TestServer.OPERATOR_TOKEN, null));
        check("/v1/accounts/{accountId}", "GET", SERVER.request("GET", "/v1/accounts/" + account.id(), TestServer.OPERATOR_TOKEN, null));
        check("/v1/me", "GET", SERVER.request("GET", "/v1/me", token, null));
        check("/v1/tokens", "POST", SERVER.request("POST", "/v1/tokens", token, "{\"name\":\"r\",\"scopes\":[\"read\"]}"));
        check("/v1/tokens", "GET", SERVER.request("GET", "/v1/tokens", token, null));

        Reply source = SERVER.request("POST", "/v1/sources", token, SourcePostgres.logical().sourceJson("db", ""));
        check("/v1/sources", "POST", source);
        String sourceId = source.json().path("id").asText();
        check("/v1/sources", "GET", SERVER.request("GET", "/v1/sources", token, null));
        check("/v1/sources/{sourceId}", "GET", SERVER.request("GET", "/v1/sources/" + sourceId, token, null));
        check("/v1/sources/{sourceId}", "PATCH", SERVER.request("PATCH", "/v1/sources/" + sourceId, token, "{\"name\":\"db2\"}"));
        check("/v1/sources/{sourceId}/check", "POST", SERVER.request("POST", "/v1/sources/" + sourceId + "/check", token, null));
        check("/v1/sources/{sourceId}/tables", "GET", SERVER.request("GET", "/v1/sources/" + sourceId + "/tables", token, null));
        check("/v1/sources/{sourceId}/status", "GET", SERVER.request("GET", "/v1/sources/" + sourceId + "/status", token, null));
        check("/v1/sources", "POST", SERVER.request("POST", "/v1/sources", token, "{\"name\":\"bad\",\"host\":\"127.0.0.1\",\"port\":1,\"database\":\"x\",\"username\":\"x\",\"password\":\"x\"}"));

        Reply endpoint = SERVER.request("POST", "/v1/http-endpoints", token, "{\"name\":\"hook\",\"url\":\"https://example.com/\",\"headers\":{\"X-A\":\"b\"},\"secret_headers\":{\"X-S\":\"t\"}}");
        check("/v1/http-endpoints", "POST", endpoint);
        String endpointId = endpoint.json().path("id").asText();
        check("/v1/http-endpoints", "GET", SERVER.request("GET", "/v1/http-endpoints", token, null));
        check("/v1/http-endpoints/{endpointId}", "PATCH", SERVER.request("PATCH", "/v1/http-endpoints/" + endpointId, token, "{\"url\":\"https://example.org/\"}"));

        Reply consumer = SERVER.request("POST", "/v1/consumers", token, """
                {"name":"items","source_id":"%s","kind":"push","endpoint_id":"%s","path":"/items","tables":[{"table":"contract_items"}],
                 "filter":"label LIKE 'a%%'","transform":"function transform(action, record) return record end","start":{"at":"row","sort_column":"id","value":"10"}}
                """.formatted(sourceId, endpointId));
        check("/v1/consumers", "POST", consumer);
        String consumerId = consumer.json().path("id").asText();
        check("/v1/consumers", "GET", SERVER.request("GET", "/v1/consumers", token, null));
        check("/v1/consumers/{consumerId}", "GET", SERVER.request("GET", "/v1/consumers/" + consumerId, token, null));
        check("/v1/consumers/{consumerId}", "PATCH", SERVER.request("PATCH", "/v1/consumers/" + consumerId, token, "{\"batch_size\":10}"));
        check("/v1/consumers/{consumerId}/status", "GET", SERVER.request("GET", "/v1/consumers/" + consumerId + "/status", token, null));
        Reply backfill = SERVER.request("POST", "/v1/consumers/" + consumerId + "/backfills", token, "{\"start\":{\"at\":\"row\",\"sort_column\":\"id\",\"value\":\"5\"}}");
        check("/v1/consumers/{consumerId}/backfills", "POST", backfill);
        check("/v1/consumers/{consumerId}/backfills", "GET", SERVER.request("GET", "/v1/consumers/" + consumerId + "/backfills", token, null));
        check("/v1/consumers/{consumerId}/backfills/{backfillId}/pause", "POST",
                SERVER.request("POST", "/v1/consumers/" + consumerId + "/backfills/" + backfill.json().path("id").asText() + "/pause", token, null));

        Reply pull = SERVER.request("POST", "/v1/consumers", token,
                "{\"name\":\"items-pull\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"contract_items\"}],\"transform\":\"function transform(a, r) return {a = a} end\"}");
        check("/v1/consumers", "POST", pull);
        SourcePostgres.logical().execute(SourcePostgres.DATABASE, "insert into contract_items values (1, 'a', '{\"k\": [1.50, null]}') on conflict do nothing");
        Reply received = SERVER.request("POST", "/v1/consumers/items-pull/receive", token, "{\"batch_size\": 10, \"wait_seconds\": 20}");
        check("/v1/consumers/{consumerId}/receive", "POST", received);
        assertThat(received.json().path("data")).isNotEmpty();
        String ackId = received.json().path("data").get(0).path("ack_id").asText();
        check("/v1/consumers/{consumerId}/nack", "POST", SERVER.request("POST", "/v1/consumers/items-pull/nack", token, "{\"ack_ids\": [\"" + ackId + "\"]}"));
        check("/v1/consumers/{consumerId}/ack", "POST", SERVER.request("POST", "/v1/consumers/items-pull/ack", token, "{\"ack_ids\": [\"" + ackId + "\", \"1-1-x\"]}"));
        check("/v1/consumers/{consumerId}/dead-letters", "GET", SERVER.request("GET", "/v1/consumers/items-pull/dead-letters", token, null));
        check("/v1/consumers/{consumerId}/dead-letters/redrive", "POST", SERVER.request("POST", "/v1/consumers/items-pull/dead-letters/redrive", token, "{\"all\": true}"));
        check("/v1/consumers/{consumerId}/status", "GET", SERVER.request("GET", "/v1/consumers/items-pull/status", token, null));
        check("/v1/consumers/{consumerId}/receive", "POST", SERVER.request("POST", "/v1/consumers/" + consumerId + "/receive", token, "{}"));

        check("/v1/consumers", "POST", SERVER.request("POST", "/v1/consumers", token, "{\"name\":\"\",\"tables\":[]}"));
        check("/v1/consumers/{consumerId}", "GET", SERVER.request("GET", "/v1/consumers/nope", token, null));
        check("/v1/sources", "GET", SERVER.request("GET", "/v1/sources", null, null));

        assertThat(checked).isGreaterThanOrEqualTo(33);
        assertThat(violations).isEmpty();
    }

    private void check(String template, String method, Reply reply)
    {
        JsonNode schema = spec.responseSchema(template, method, reply.status());
        assertThat(schema).as("%s %s has a documented %d response", method, template, reply.status()).isNotNull();
        if (reply.status() >= 400) {
            assertThat(reply.contentType()).startsWith("application/problem+json");
        }
        else {
            assertThat(reply.contentType()).startsWith("application/json");
        }
        for (String violation : spec.violations(schema, reply.json())) {
            violations.add(method + " " + template + " " + reply.status() + ": " + violation);
        }
        checked++;
    }
}
