package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class SourcesIT
{
    private static final TestServer SERVER = TestServer.get();
    private static final SourcePostgres SOURCE = SourcePostgres.logical();

    @BeforeAll
    static void tables()
    {
        SOURCE.execute(SourcePostgres.DATABASE, """
                create table if not exists orders (id bigint primary key, status text, amount numeric);
                create table if not exists order_lines (order_id bigint, line int, sku text, primary key (order_id, line));
                alter table order_lines replica identity full;
                create table if not exists audit_log (at timestamptz, message text);
                create table if not exists priced (id int primary key, net numeric, gross numeric generated always as (net * 2) stored);
                """);
    }

    @Test
    void createReadUpdateDeleteWithoutEverEchoingThePassword()
    {
        Account account = SERVER.newAccount("src");
        Reply created = SERVER.request("POST", "/v1/sources", account.token(), SOURCE.sourceJson("main-db", ""));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode source = created.json();
        assertThat(source.path("id").asText()).startsWith("src_");
        assertThat(source.path("port").asInt()).isEqualTo(SOURCE.port());
        assertThat(source.path("ssl_mode").asText()).isEqualTo("prefer");
        assertThat(source.path("manage_slot").asBoolean()).isTrue();
        assertThat(source.path("slot_name").asText()).matches("sluice_[0-9a-z]{26}");
        assertThat(source.path("publication_name").asText()).isEqualTo(source.path("slot_name").asText());
        assertThat(source.has("password")).isFalse();
        assertThat(created.body()).doesNotContain(SourcePostgres.REPLICATOR_PASSWORD);

        String id = source.path("id").asText();
        assertThat(SERVER.request("GET", "/v1/sources/" + id, account.token(), null).json().path("name").asText()).isEqualTo("main-db");
        assertThat(SERVER.request("GET", "/v1/sources/main-db", account.token(), null).json().path("id").asText()).isEqualTo(id);
        assertThat(SERVER.request("GET", "/v1/sources", account.token(), null).body()).doesNotContain(SourcePostgres.REPLICATOR_PASSWORD);

        Reply tls = SERVER.request("PATCH", "/v1/sources/" + id, account.token(), "{\"ssl_mode\":\"disable\"}");
        assertThat(tls.status()).as(tls.body()).isEqualTo(200);
        assertThat(tls.json().path("ssl_mode").asText()).isEqualTo("disable");
        Reply renamed = SERVER.request("PATCH", "/v1/sources/" + id, account.token(), "{\"name\":\"primary-db\"}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().path("ssl_mode").asText()).as("fields not sent keep their value").isEqualTo("disable");
        assertThat(renamed.json().path("name").asText()).isEqualTo("primary-db");
        assertThat(renamed.json().path("database").asText()).isEqualTo(SourcePostgres.DATABASE);

        assertThat(SERVER.request("DELETE", "/v1/sources/" + id, account.token(), null).status()).isEqualTo(204);
        assertThat(SERVER.request("GET", "/v1/sources/" + id, account.token(), null).status()).isEqualTo(404);
    }

    @Test
    void aWrongPasswordOnUpdateIsRefusedAndChangesNothing()
    {
        Account account = SERVER.newAccount("srcupd");
        String id = SERVER.request("POST", "/v1/sources", account.token(), SOURCE.sourceJson("db", "")).json().path("id").asText();
        Reply refused = SERVER.request("PATCH", "/v1/sources/" + id, account.token(), "{\"password\":\"wrong\"}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("code").asText()).isEqualTo("source_check_failed");
        Reply check = SERVER.request("POST", "/v1/sources/" + id + "/check", account.token(), null);
        assertThat(check.json().path("ok").asBoolean()).as(check.body()).isTrue();
    }

    @Test
    void checkReportsEveryCheckOfAHealthySource()
    {
        Account account = SERVER.newAccount("check");
        String id = SERVER.request("POST", "/v1/sources", account.token(), SOURCE.sourceJson("db", "")).json().path("id").asText();
        Reply check = SERVER.request("POST", "/v1/sources/" + id + "/check", account.token(), null);
        assertThat(check.status()).isEqualTo(200);
        assertThat(check.json().path("ok").asBoolean()).isTrue();
        assertThat(check.json().path("server_version").asText()).isNotEmpty();
        assertThat(check.json().path("checks")).extracting(node -> node.path("name").asText() + "=" + node.path("status").asText())
                .containsExactly("connect=ok", "authenticate=ok", "database=ok", "server_version=ok", "wal_level=ok", "replication_privilege=ok", "publication=ok", "slot=ok");
    }

    @Test
    void unreachableHostIsReported()
            throws IOException
    {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Reply reply = createExpectingFailure("{\"name\":\"down\",\"host\":\"127.0.0.1\",\"port\":" + closedPort
                + ",\"database\":\"app\",\"username\":\"u\",\"password\":\"p\"}");
        assertThat(failed(reply)).containsExactly("connect");
        assertThat(reply.json().path("detail").asText()).contains("cannot reach 127.0.0.1:" + closedPort);
    }

    @Test
    void badCredentialsAreReported()
    {
        Reply reply = createExpectingFailure("{\"name\":\"badpw\",\"host\":\"127.0.0.1\",\"port\":" + SOURCE.port()
                + ",\"database\":\"app\",\"username\":\"replicator\",\"password\":\"not-the-password\"}");
        assertThat(failed(reply)).containsExactly("authenticate");
        assertThat(reply.json().path("detail").asText()).contains("refused user replicator");
        assertThat(reply.body()).doesNotContain("not-the-password");
    }

    @Test
    void missingDatabaseIsReported()
    {
        Reply reply = createExpectingFailure("{\"name\":\"nodb\",\"host\":\"127.0.0.1\",\"port\":" + SOURCE.port()
                + ",\"database\":\"nope\",\"username\":\"replicator\",\"password\":\"" + SourcePostgres.REPLICATOR_PASSWORD + "\"}");
        assertThat(failed(reply)).containsExactly("database");
    }

    @Test
    void walLevelThatIsNotLogicalIsReported()
    {
        SourcePostgres replica = SourcePostgres.replicaLevel();
        Reply reply = createExpectingFailure(replica.sourceJson("replica", ""));
        assertThat(failed(reply)).containsExactly("wal_level");
        assertThat(reply.json().path("detail").asText()).contains("wal_level is 'replica'");
    }

    @Test
    void missingReplicationPrivilegeIsReported()
    {
        Reply reply = createExpectingFailure("{\"name\":\"norepl\",\"host\":\"127.0.0.1\",\"port\":" + SOURCE.port()
                + ",\"database\":\"app\",\"username\":\"plain\",\"password\":\"" + SourcePostgres.PLAIN_PASSWORD + "\"}");
        assertThat(failed(reply)).contains("replication_privilege", "slot");
        assertThat(reply.json().path("detail").asText()).contains("ALTER ROLE \"plain\" WITH REPLICATION");
    }

    @Test
    void missingPublicationAndSlotAreReportedWhenSluiceMayNotCreateThem()
    {
        Reply reply = createExpectingFailure(SOURCE.sourceJson("unmanaged",
                "\"manage_publication\": false, \"manage_slot\": false, \"publication_name\": \"pub_missing\", \"slot_name\": \"slot_missing\""));
        assertThat(failed(reply)).containsExactly("publication", "slot");
    }

    @Test
    void existingPublicationAndSlotAreAccepted()
    {
        SOURCE.execute(SourcePostgres.DATABASE, "create publication pub_ready for table orders");
        SOURCE.execute(SourcePostgres.DATABASE, "select pg_create_logical_replication_slot('slot_ready', 'pgoutput')");
        Account account = SERVER.newAccount("ready");
        try {
            Reply created = SERVER.request("POST", "/v1/sources", account.token(), SOURCE.sourceJson("ready",
                    "\"manage_publication\": false, \"manage_slot\": false, \"publication_name\": \"pub_ready\", \"slot_name\": \"slot_ready\""));
            assertThat(created.status()).as(created.body()).isEqualTo(201);

            Reply tables = SERVER.request("GET", "/v1/sources/ready/tables", account.token(), null);
            assertThat(tables.status()).isEqualTo(200);
            JsonNode orders = find(tables.json(), "orders");
            assertThat(orders.path("primary_key")).extracting(JsonNode::asText).containsExactly("id");
            assertThat(orders.path("replica_identity").asText()).isEqualTo("default");
            assertThat(orders.path("in_publication").asBoolean()).isTrue();
            assertThat(orders.path("columns")).extracting(node -> node.path("name").asText() + ":" + node.path("type").asText())
                    .containsExactly("id:bigint", "status:text", "amount:numeric");
            JsonNode lines = find(tables.json(), "order_lines");
            assertThat(lines.path("primary_key")).extracting(JsonNode::asText).containsExactly("order_id", "line");
            assertThat(lines.path("replica_identity").asText()).isEqualTo("full");
            assertThat(lines.path("in_publication").asBoolean()).isFalse();
            assertThat(find(tables.json(), "audit_log").path("primary_key")).isEmpty();
            // pub_ready does not publish generated columns (and Postgres before 18 never sends them)
            assertThat(find(tables.json(), "priced").path("columns"))
                    .extracting(node -> node.path("name").asText() + ":" + node.path("generated").asBoolean() + ":" + node.path("streamed").asBoolean())
                    .containsExactly("id:false:true", "net:false:true", "gross:true:false");

            Reply unpublished = SERVER.request("POST", "/v1/consumers", account.token(),
                    "{\"name\":\"lines\",\"source_id\":\"ready\",\"kind\":\"pull\",\"tables\":[{\"table\":\"order_lines\"}]}");
            assertThat(unpublished.status()).as(unpublished.body()).isEqualTo(422);
            assertThat(unpublished.json().path("field").asText()).isEqualTo("tables");
            assertThat(unpublished.json().path("detail").asText()).contains("ALTER PUBLICATION pub_ready ADD TABLE \"public\".\"order_lines\"");
        }
        finally {
            // a source Sluice does not manage keeps its slot when deleted: drop it once no worker streams it
            SERVER.request("DELETE", "/v1/sources/ready", account.token(), null);
            SOURCE.dropSlot("slot_ready");
            SOURCE.execute(SourcePostgres.DATABASE, "drop publication pub_ready");
        }
    }

    @Test
    void aSourceWithConsumersCannotBeDeleted()
    {
        Account account = SERVER.newAccount("inuse");
        String id = SERVER.request("POST", "/v1/sources", account.token(), SOURCE.sourceJson("db", "")).json().path("id").asText();
        Reply consumer = SERVER.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"orders-feed\",\"source_id\":\"" + id + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"orders\"}]}");
        assertThat(consumer.status()).as(consumer.body()).isEqualTo(201);
        Reply refused = SERVER.request("DELETE", "/v1/sources/" + id, account.token(), null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("code").asText()).isEqualTo("in_use");
        assertThat(refused.json().path("detail").asText()).contains("orders-feed");
        assertThat(SERVER.request("GET", "/v1/sources/" + id, account.token(), null).status()).isEqualTo(200);
    }

    private static Reply createExpectingFailure(String body)
    {
        Account account = SERVER.newAccount("fail");
        Reply reply = SERVER.request("POST", "/v1/sources", account.token(), body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(422);
        assertThat(reply.json().path("code").asText()).isEqualTo("source_check_failed");
        assertThat(SERVER.request("GET", "/v1/sources", account.token(), null).json().path("data")).as("nothing stored").isEmpty();
        return reply;
    }

    private static List<String> failed(Reply reply)
    {
        return StreamSupport.stream(reply.json().path("checks").spliterator(), false)
                .filter(check -> check.path("status").asText().equals("failed"))
                .map(check -> check.path("name").asText())
                .toList();
    }

    private static JsonNode find(JsonNode tables, String name)
    {
        return StreamSupport.stream(tables.path("data").spliterator(), false)
                .filter(table -> table.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no table " + name + " in " + tables));
    }
}
