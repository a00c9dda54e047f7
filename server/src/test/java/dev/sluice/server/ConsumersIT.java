package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumersIT
{
    private static final TestServer SERVER = TestServer.get();
    private static final SourcePostgres SOURCE = SourcePostgres.logical();

    @BeforeAll
    static void tables()
    {
        SOURCE.execute(SourcePostgres.DATABASE, """
                create table if not exists customers (id uuid primary key, email text, plan text, meta jsonb, created_at timestamptz);
                create table if not exists events_nokey (kind text, payload jsonb);
                create table if not exists events_full (kind text, seq bigint, payload jsonb);
                alter table events_full replica identity full;
                create table if not exists priced_items (id int primary key, net numeric, gross numeric generated always as (net * 2) stored);
                """);
    }

    @Test
    void pullConsumerWithDefaults()
    {
        Account account = SERVER.newAccount("con");
        String source = createSource(account);
        Reply created = SERVER.request("POST", "/v1/consumers", account.token(), """
                {"name": "customers", "source_id": "%s", "kind": "pull", "tables": [{"table": "customers"}],
                 "filter": "plan = 'pro' AND (meta->>'region') IN ('eu', 'us')"}
                """.formatted(source));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode consumer = created.json();
        assertThat(consumer.path("id").asText()).startsWith("con_");
        assertThat(consumer.path("kind").asText()).isEqualTo("pull");
        assertThat(consumer.path("tables").get(0).path("schema").asText()).isEqualTo("public");
        assertThat(consumer.path("actions")).extracting(JsonNode::asText).containsExactly("insert", "update", "delete");
        assertThat(consumer.path("batch_size").asInt()).isEqualTo(1);
        assertThat(consumer.path("visibility_timeout_seconds").asInt()).isEqualTo(30);
        assertThat(consumer.path("max_ack_pending").asInt()).isEqualTo(1000);
        assertThat(consumer.path("max_deliver").asInt()).isEqualTo(10);
        assertThat(consumer.path("start").path("at").asText()).isEqualTo("now");
        assertThat(consumer.path("status").asText()).isEqualTo("active");
        assertThat(consumer.path("filter").asText()).isEqualTo("plan = 'pro' AND (meta->>'region') IN ('eu', 'us')");
        assertThat(consumer.path("filter_transitions").asText()).isEqualTo("none");
        assertThat(consumer.path("filter_notes")).isEmpty();

        Reply following = SERVER.request("PATCH", "/v1/consumers/customers", account.token(),
                "{\"filter_transitions\":\"delete_insert\",\"filter\":\"lower(plan) > 'a'\"}");
        assertThat(following.status()).as(following.body()).isEqualTo(200);
        assertThat(following.json().path("filter_transitions").asText()).isEqualTo("delete_insert");
        assertThat(following.json().path("filter_notes")).extracting(JsonNode::asText)
                .as("the collation of plan can change both the order and the case folding")
                .hasSize(2)
                .anySatisfy(note -> assertThat(note).startsWith("Text is ordered by code point"));
        assertThat(SERVER.request("GET", "/v1/consumers/customers", account.token(), null).json().path("filter_transitions").asText())
                .isEqualTo("delete_insert");

        Reply paused = SERVER.request("PATCH", "/v1/consumers/customers", account.token(), "{\"status\":\"paused\",\"filter\":\"\"}");
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().path("status").asText()).isEqualTo("paused");
        assertThat(paused.json().has("filter")).isFalse();
        assertThat(SERVER.request("GET", "/v1/consumers/" + consumer.path("id").asText() + "/status", account.token(), null).status()).isEqualTo(200);

        assertThat(SERVER.request("DELETE", "/v1/consumers/customers", account.token(), null).status()).isEqualTo(204);
        assertThat(SERVER.request("DELETE", "/v1/sources/" + source, account.token(), null).status()).isEqualTo(204);
    }

    @Test
    void pushConsumerNeedsAnEndpointOfTheSameAccount()
    {
        Account account = SERVER.newAccount("push");
        Account other = SERVER.newAccount("other");
        String source = createSource(account);
        String foreignEndpoint = SERVER.request("POST", "/v1/http-endpoints", other.token(), "{\"name\":\"theirs\",\"url\":\"https://example.com/h\"}").json().path("id").asText();
        String endpoint = SERVER.request("POST", "/v1/http-endpoints", account.token(), "{\"name\":\"mine\",\"url\":\"https://example.com/h\"}").json().path("id").asText();

        assertInvalid(account, "{\"name\":\"p\",\"source_id\":\"" + source + "\",\"kind\":\"push\",\"tables\":[{\"table\":\"customers\"}]}", "endpoint_id");
        assertInvalid(account, "{\"name\":\"p\",\"source_id\":\"" + source + "\",\"kind\":\"push\",\"endpoint_id\":\"" + foreignEndpoint + "\",\"tables\":[{\"table\":\"customers\"}]}", "endpoint_id");
        assertInvalid(account, "{\"name\":\"p\",\"source_id\":\"" + source + "\",\"kind\":\"pull\",\"endpoint_id\":\"" + endpoint + "\",\"tables\":[{\"table\":\"customers\"}]}", "endpoint_id");

        Reply created = SERVER.request("POST", "/v1/consumers", account.token(), "{\"name\":\"p\",\"source_id\":\"" + source + "\",\"kind\":\"push\",\"endpoint_id\":\"mine\",\"path\":\"/customers\",\"batch_size\":50,\"tables\":[{\"table\":\"customers\"}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("endpoint_id").asText()).isEqualTo(endpoint);
        Reply refused = SERVER.request("DELETE", "/v1/http-endpoints/" + endpoint, account.token(), null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("detail").asText()).contains("used by consumers p");
    }

    @Test
    void consumerIsCheckedAgainstTheSourceCatalog()
    {
        Account account = SERVER.newAccount("catalog");
        Account other = SERVER.newAccount("catalog-other");
        String source = createSource(account);
        String foreignSource = createSource(other);
        assertInvalid(account, consumer(foreignSource, "{\"table\":\"customers\"}", ""), "source_id");
        assertInvalid(account, consumer(source, "{\"table\":\"no_such_table\"}", ""), "tables[0].table");
        Reply noKey = assertInvalid(account, consumer(source, "{\"table\":\"events_nokey\"}", ""), "tables[0].group_columns");
        assertThat(noKey.json().path("detail").asText()).contains("has no primary key");
        Reply notFull = assertInvalid(account, consumer(source, "{\"table\":\"events_nokey\",\"group_columns\":[\"kind\"]}", ""), "tables[0].group_columns");
        assertThat(notFull.json().path("detail").asText()).contains("REPLICA IDENTITY FULL");
        assertInvalid(account, consumer(source, "{\"table\":\"events_full\",\"group_columns\":[\"nope\"]}", ""), "tables[0].group_columns[0]");
        if (SOURCE.majorVersion() < 18) {
            Reply generated = assertInvalid(account, consumer(source, "{\"table\":\"priced_items\"}", ", \"filter\": \"gross > 10\""), "filter");
            assertThat(generated.json().path("detail").asText()).contains("is a generated column that changes from the WAL do not carry");
        }
        assertInvalid(account, consumer(source, "{\"table\":\"customers\"}", ", \"filter\": \"missing_column = 1\""), "filter");
        Reply ok = SERVER.request("POST", "/v1/consumers", account.token(), consumer(source, "{\"table\":\"events_full\",\"group_columns\":[\"kind\",\"seq\"]}", ""));
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.json().path("tables").get(0).path("group_columns")).extracting(JsonNode::asText).containsExactly("kind", "seq");
    }

    @Test
    void aConsumerCannotTakeTheNameOfTheValidateEndpoint()
    {
        Account account = SERVER.newAccount("reserved");
        String source = createSource(account);
        Reply created = assertInvalid(account, consumer(source, "{\"table\":\"customers\"}", "").replaceFirst("\"name\":\"c\\d+\"", "\"name\":\"validate\""), "name");
        assertThat(created.json().path("detail").asText()).contains("reserved");
        Reply ok = SERVER.request("POST", "/v1/consumers", account.token(), consumer(source, "{\"table\":\"customers\"}", ""));
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        Reply renamed = SERVER.request("PATCH", "/v1/consumers/" + ok.json().path("id").asText(), account.token(), "{\"name\":\"validate\"}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(422);
        assertThat(renamed.json().path("field").asText()).as(renamed.body()).isEqualTo("name");
    }

    @Test
    void unsupportedFiltersAndBrokenLuaAreRejectedWithAReadableMessage()
    {
        Account account = SERVER.newAccount("syntax");
        String source = createSource(account);
        Reply hostile = assertInvalid(account, consumer(source, "{\"table\":\"customers\"}", ", \"filter\": \"plan = 'pro'; DROP TABLE customers\""), "filter");
        assertThat(hostile.json().path("detail").asText()).isNotBlank();
        assertInvalid(account, consumer(source, "{\"table\":\"customers\"}", ", \"filter\": \"pg_sleep(10) IS NULL\""), "filter");
        assertInvalid(account, consumer(source, "{\"table\":\"customers\"}", ", \"filter\": \"plan = (select 1)\""), "filter");
        Reply lua = assertInvalid(account, consumer(source, "{\"table\":\"customers\"}", ", \"transform\": \"function transform(action, record)\\n  return record +\\nend\""), "transform");
        assertThat(lua.json().path("detail").asText()).contains("line 3");
        Reply start = assertInvalid(account, consumer(source, "{\"table\":\"customers\"}", ", \"start\": {\"at\": \"row\"}"), "start.sort_column");
        assertThat(start.json().path("detail").asText()).contains("required");
    }

    @Test
    void backfillsMoveThroughTheirStates()
    {
        Account account = SERVER.newAccount("bf");
        String source = createSource(account);
        // a paused consumer's backfills wait, so the state changes below are not raced by a worker finishing it
        String consumer = SERVER.request("POST", "/v1/consumers", account.token(), consumer(source, "{\"table\":\"customers\"}", ", \"status\": \"paused\"")).json().path("id").asText();
        Reply created = SERVER.request("POST", "/v1/consumers/" + consumer + "/backfills", account.token(), "{\"filter\":\"plan = 'pro'\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("state").asText()).isEqualTo("pending");
        assertThat(created.json().path("start").path("at").asText()).isEqualTo("beginning");
        String backfill = created.json().path("id").asText();
        String base = "/v1/consumers/" + consumer + "/backfills/" + backfill;
        assertThat(SERVER.request("POST", base + "/pause", account.token(), null).json().path("state").asText()).isEqualTo("paused");
        assertThat(SERVER.request("POST", base + "/resume", account.token(), null).json().path("state").asText()).isEqualTo("pending");
        Reply cancelled = SERVER.request("POST", base + "/cancel", account.token(), null);
        assertThat(cancelled.json().path("state").asText()).isEqualTo("cancelled");
        assertThat(cancelled.json().has("completed_at")).isTrue();
        Reply resumeCancelled = SERVER.request("POST", base + "/resume", account.token(), null);
        assertThat(resumeCancelled.status()).isEqualTo(409);
        assertThat(resumeCancelled.json().path("code").asText()).isEqualTo("invalid_state");
        assertThat(SERVER.request("GET", "/v1/consumers/" + consumer + "/backfills", account.token(), null).json().path("data").size()).isEqualTo(1);
        // text that is no backfill id names no backfill
        Reply notAnId = SERVER.request("GET", "/v1/consumers/" + consumer + "/backfills/" + consumer, account.token(), null);
        assertThat(notAnId.status()).as(notAnId.body()).isEqualTo(404);
        assertThat(notAnId.json().path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void aRetriedCreateReturnsTheStoredConsumerAndBackfill()
    {
        Account account = SERVER.newAccount("retry");
        String source = createSource(account);
        String body = consumer(source, "{\"table\":\"customers\"}", ", \"status\": \"paused\"");
        Reply created = SERVER.request("POST", "/v1/consumers", account.token(), body, "consumer-1");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Reply retried = SERVER.request("POST", "/v1/consumers", account.token(), body, "consumer-1");
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        assertThat(retried.json().path("id").asText()).isEqualTo(created.json().path("id").asText());
        assertThat(retried.json().path("source_id").asText()).isEqualTo(source);

        String consumer = created.json().path("id").asText();
        Reply backfill = SERVER.request("POST", "/v1/consumers/" + consumer + "/backfills", account.token(), "{}", "backfill-1");
        assertThat(backfill.status()).as(backfill.body()).isEqualTo(201);
        Reply backfillRetried = SERVER.request("POST", "/v1/consumers/" + consumer + "/backfills", account.token(), "{}", "backfill-1");
        assertThat(backfillRetried.json().path("id").asText()).isEqualTo(backfill.json().path("id").asText());
        assertThat(backfillRetried.json().path("consumer_id").asText()).isEqualTo(consumer);
    }

    static String createSource(Account account)
    {
        Reply reply = SERVER.request("POST", "/v1/sources", account.token(), SOURCE.sourceJson("db-" + System.nanoTime(), ""));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().path("id").asText();
    }

    private static String consumer(String source, String table, String extra)
    {
        return "{\"name\":\"c" + System.nanoTime() + "\",\"source_id\":\"" + source + "\",\"kind\":\"pull\",\"tables\":[" + table + "]" + extra + "}";
    }

    private static Reply assertInvalid(Account account, String body, String field)
    {
        Reply reply = SERVER.request("POST", "/v1/consumers", account.token(), body);
        assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(422);
        assertThat(reply.json().path("field").asText()).as(reply.body()).isEqualTo(field);
        return reply;
    }
}
