package dev.sluice.server;

import dev.sluice.core.json.SluiceJson;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input of every kind is a 4xx problem that says what is wrong, never a 500, and stores nothing. */
class BadInputIT
{
    private static final TestServer SERVER = TestServer.get();

    @Test
    void urisJettyRefusesAreProblemsToo()
    {
        Account account = SERVER.newAccount("uri");
        for (String path : List.of("/v1/consumers//status", "/v1/%2e%2e/admin/tasks/gc", "/admin//prometheus")) {
            Reply reply = SERVER.request("GET", path, account.token(), null);
            assertThat(reply.status()).as(path).isEqualTo(400);
            assertThat(reply.contentType()).as(path).startsWith("application/problem+json");
            assertThat(reply.json().path("code").asText()).isEqualTo("malformed_request");
            assertThat(reply.json().path("detail").asText()).contains("Ambiguous URI");
        }
    }

    @Test
    void malformedJsonWrongTypesAndUnknownFields()
    {
        Account account = SERVER.newAccount("bad");
        assertProblem(post(account, "{\"name\": \"x\", \"url\": "), 400, "malformed_request", null);
        assertProblem(post(account, "[1, 2, 3]"), 400, "malformed_request", null);
        assertProblem(post(account, "{\"name\": 42, \"url\": \"https://example.com/\"}"), 400, "malformed_request", "name");
        assertProblem(post(account, "{\"name\": \"x\", \"url\": \"https://example.com/\", \"colour\": \"blue\"}"), 400, "malformed_request", "colour");
        assertProblem(post(account, "{\"name\": \"x\", \"url\": \"https://example.com/\", \"headers\": [\"a\"]}"), 400, "malformed_request", "headers");
        assertProblem(post(account, "{\"name\": \"x\", \"name\": \"y\", \"url\": \"https://example.com/\"}"), 400, "malformed_request", null);
        assertProblem(SERVER.request("POST", "/v1/consumers", account.token(), "{\"name\":\"c\",\"source_id\":\"s\",\"kind\":\"sideways\",\"tables\":[{\"table\":\"t\"}]}"),
                400, "malformed_request", "kind");
        assertProblem(SERVER.request("POST", "/v1/consumers", account.token(), "{\"name\":\"c\",\"source_id\":\"s\",\"kind\":\"pull\",\"tables\":[{\"table\":\"t\"}],\"batch_size\":2.5}"),
                400, "malformed_request", "batch_size");
        assertProblem(SERVER.request("POST", "/v1/consumers", account.token(), "{\"name\":\"c\",\"source_id\":\"s\",\"kind\":\"pull\",\"tables\":[{\"table\":\"t\"}],\"batch_size\":\"5\"}"),
                400, "malformed_request", "batch_size");
        assertThat(SERVER.request("GET", "/v1/http-endpoints", account.token(), null).json().path("data")).isEmpty();
    }

    @Test
    void bodiesPastTheSharedJsonLimitsAreProblemsThatSayWhich()
    {
        Account account = SERVER.newAccount("limits");
        // the API reads with the limits every mapper of Sluice shares (SluiceJson): a number may be as long as a Postgres numeric
        String tooLong = "1".repeat(SluiceJson.MAX_NUMBER_LENGTH + 1);
        Reply number = SERVER.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"c\",\"source_id\":\"s\",\"kind\":\"pull\",\"tables\":[{\"table\":\"t\"}],\"batch_size\":" + tooLong + "}");
        assertProblem(number, 400, "malformed_request", null);
        assertThat(number.json().path("detail").asText())
                .isEqualTo("request body is nested too deeply or too large: Number value length (150001) exceeds the maximum allowed (150000, from `StreamReadConstraints.getMaxNumberLength()`)");
        // a long number within the limit is read, and is out of the field's range
        assertProblem(SERVER.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"c\",\"source_id\":\"s\",\"kind\":\"pull\",\"tables\":[{\"table\":\"t\"}],\"batch_size\":" + "1".repeat(2_000) + "}"),
                400, "malformed_request", "batch_size");

        String deep = "[".repeat(SluiceJson.MAX_NESTING_DEPTH + 1) + "]".repeat(SluiceJson.MAX_NESTING_DEPTH + 1);
        assertProblem(SERVER.request("POST", "/v1/http-endpoints", account.token(), deep), 400, "malformed_request", null);
        assertProblem(post(account, "{\"name\": \"x\", \"url\": \"https://example.com/\", \"headers\": {\"a\": " + deep + "}}"), 400, "malformed_request", "headers.a");
        assertThat(SERVER.request("GET", "/v1/http-endpoints", account.token(), null).json().path("data")).isEmpty();
    }

    @Test
    void validationNamesEveryOffendingField()
    {
        Account account = SERVER.newAccount("valid");
        assertProblem(post(account, "{\"name\": \"\", \"url\": \"https://example.com/\"}"), 422, "validation_failed", "name");
        assertProblem(post(account, "{\"url\": \"https://example.com/\"}"), 422, "validation_failed", "name");
        assertProblem(post(account, "{\"name\": \"has spaces\", \"url\": \"https://example.com/\"}"), 422, "validation_failed", "name");
        assertProblem(post(account, "{\"name\": \"end_0000000000aaaaaaaaaaaaaaaa\", \"url\": \"https://example.com/\"}"), 422, "validation_failed", "name");
        Reply consumer = SERVER.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"c\",\"source_id\":\"s\",\"kind\":\"pull\",\"tables\":[],\"batch_size\":0,\"visibility_timeout_seconds\":-5}");
        assertProblem(consumer, 422, "validation_failed", null);
        assertThat(consumer.json().path("errors")).extracting(node -> node.path("field").asText())
                .contains("tables", "batch_size", "visibility_timeout_seconds");
        assertProblem(SERVER.request("POST", "/v1/consumers", account.token(), "{\"name\":\"c\",\"source_id\":\"s\",\"kind\":\"pull\",\"tables\":[{}]}"),
                422, "validation_failed", "tables[0].table");
        assertProblem(SERVER.request("GET", "/v1/sources?limit=0", account.token(), null), 422, "validation_failed", "limit");
        assertProblem(SERVER.request("GET", "/v1/sources?limit=abc", account.token(), null), 400, "malformed_request", "limit");
        assertProblem(SERVER.request("GET", "/v1/sources?limit=", account.token(), null), 400, "malformed_request", "limit");
        assertProblem(SERVER.request("GET", "/v1/consumers/nope/dead-letters?limit=&after=", account.token(), null), 400, "malformed_request", "limit");
        assertProblem(SERVER.request("POST", "/v1/consumers/nope/receive", account.token(), "{\"batch_size\": 100000}"), 422, "validation_failed", "batch_size");
    }

    @Test
    void explicitNullsAndNulCharactersAreRefusedWhereTheyAre()
    {
        Account account = SERVER.newAccount("nulls");
        assertProblem(SERVER.request("POST", "/v1/tokens", account.token(), "{\"name\": \"t\", \"scopes\": [null]}"), 422, "validation_failed", "scopes[0]");
        assertProblem(SERVER.request("POST", "/v1/tokens", account.token(), "null"), 422, "validation_failed", "body");
        assertProblem(SERVER.request("POST", "/v1/sources", account.token(),
                "{\"name\": \"s\", \"host\": \"127.0.0.1\", \"database\": \"d\", \"username\": \"u\", \"password\": \"p\", \"manage_slot\": null}"),
                422, "validation_failed", "manage_slot");
        assertProblem(SERVER.request("POST", "/v1/consumers", account.token(),
                "{\"name\": \"c\", \"source_id\": \"s\", \"kind\": \"pull\", \"tables\": [{\"table\": \"t\"}], \"actions\": [null]}"),
                422, "validation_failed", "actions[0]");
        assertProblem(SERVER.request("PATCH", "/v1/consumers/nope", account.token(), "{\"tables\": [{\"table\": \"t\", \"group_columns\": [null]}]}"),
                422, "validation_failed", "tables[0].group_columns[0]");
        assertProblem(post(account, "{\"name\": \"x\", \"url\": \"https://example.com/\", \"headers\": {\"X-A\": null}}"), 422, "validation_failed", "headers.X-A");

        Reply nul = SERVER.request("POST", "/v1/consumers/nope/ack", account.token(), "{\"ack_ids\": [\"1-1-a\\u0000\"]}");
        assertProblem(nul, 400, "malformed_request", "ack_ids[0]");
        assertThat(nul.json().path("detail").asText()).contains("NUL character");
        assertProblem(post(account, "{\"name\": \"x\", \"url\": \"https://example.com/\\u0000\"}"), 400, "malformed_request", "url");
        Reply nulInQuery = SERVER.request("GET", "/v1/sources?after=a%00", account.token(), null);
        assertProblem(nulInQuery, 400, "malformed_request", null);
        assertThat(nulInQuery.json().path("detail").asText()).contains("NUL character");
        assertThat(SERVER.request("GET", "/v1/http-endpoints", account.token(), null).json().path("data")).isEmpty();
    }

    @Test
    void repeatedItemsAndOverlongHeaderValuesAreRefused()
    {
        Account account = SERVER.newAccount("unique");
        Reply scopes = SERVER.request("POST", "/v1/tokens", account.token(), "{\"name\": \"t\", \"scopes\": [\"read\", \"consume\", \"read\"]}");
        assertProblem(scopes, 422, "validation_failed", "scopes");
        assertThat(scopes.json().path("detail").asText()).contains("must not repeat an item");
        assertProblem(SERVER.request("POST", "/v1/tokens", account.token(), "{\"name\": \"t\", \"scopes\": [\"read\", \"sideways\"]}"), 400, "malformed_request", "scopes[1]");
        assertThat(SERVER.request("POST", "/v1/tokens", account.token(), "{\"name\": \"t\", \"scopes\": [\"read\", \"consume\"]}").status()).isEqualTo(201);
        assertProblem(SERVER.request("PATCH", "/v1/consumers/nope", account.token(), "{\"actions\": [\"insert\", \"insert\"]}"), 422, "validation_failed", "actions");

        String longValue = "v".repeat(4097);
        assertProblem(post(account, "{\"name\": \"x\", \"url\": \"https://example.com/\", \"headers\": {\"X-A\": \"" + longValue + "\"}}"),
                422, "validation_failed", "headers.X-A");
        assertProblem(post(account, "{\"name\": \"x\", \"url\": \"https://example.com/\", \"secret_headers\": {\"X-S\": \"" + longValue + "\"}}"),
                422, "validation_failed", "secret_headers.X-S");
        assertThat(SERVER.request("GET", "/v1/http-endpoints", account.token(), null).json().path("data")).isEmpty();
        assertThat(post(account, "{\"name\": \"x\", \"url\": \"https://example.com/\", \"secret_headers\": {\"X-S\": \"" + longValue.substring(1) + "\"}}").status())
                .isEqualTo(201);
    }

    @Test
    void oversizedDeepAndBinaryBodiesAreRefused()
    {
        Account account = SERVER.newAccount("size");
        String announced = rawExchange(account, "Content-Length: " + (2 * 1024 * 1024), "");
        assertThat(announced).startsWith("HTTP/1.1 413").contains("payload_too_large");
        String chunk = "{\"name\": \"x\", \"url\": \"https://example.com/\", \"headers\": {\"X-Pad\": \"" + "a".repeat(1100 * 1024) + "\"}}";
        String chunked = rawExchange(account, "Transfer-Encoding: chunked", Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n");
        assertThat(chunked).startsWith("HTTP/1.1 413").contains("payload_too_large");

        String deep = "[".repeat(5000) + "]".repeat(5000);
        Reply deepReply = post(account, deep);
        assertThat(deepReply.status()).isBetween(400, 499);

        HttpRequest invalidUtf8 = HttpRequest.newBuilder(URI.create(SERVER.baseUrl() + "/v1/http-endpoints"))
                .header("Authorization", "Bearer " + account.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}))
                .build();
        assertProblem(SERVER.send(invalidUtf8), 400, "malformed_request", null);

        HttpRequest wrongType = HttpRequest.newBuilder(URI.create(SERVER.baseUrl() + "/v1/http-endpoints"))
                .header("Authorization", "Bearer " + account.token())
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=x"))
                .build();
        assertProblem(SERVER.send(wrongType), 415, "unsupported_media_type", null);
        assertProblem(SERVER.request("DELETE", "/v1/http-endpoints", account.token(), null), 405, "method_not_allowed", null);
        assertProblem(SERVER.request("GET", "/v1/no-such-thing", account.token(), null), 404, "not_found", null);
        assertThat(SERVER.request("GET", "/v1/http-endpoints", account.token(), null).json().path("data")).isEmpty();
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyReturnsTheFirstResult()
            throws Exception
    {
        Account account = SERVER.newAccount("idem");
        String body = "{\"name\": \"hooks\", \"url\": \"https://example.com/\"}";
        Reply first = SERVER.request("POST", "/v1/http-endpoints", account.token(), body, "key-1");
        Reply retry = SERVER.request("POST", "/v1/http-endpoints", account.token(), body, "key-1");
        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.json().path("id").asText()).isEqualTo(first.json().path("id").asText());

        Reply reused = SERVER.request("POST", "/v1/http-endpoints", account.token(), "{\"name\": \"other\", \"url\": \"https://example.com/\"}", "key-1");
        assertProblem(reused, 422, "idempotency_key_reused", null);

        Reply token = SERVER.request("POST", "/v1/tokens", account.token(), "{\"name\":\"t\",\"scopes\":[\"read\"]}", "key-2");
        Reply tokenRetry = SERVER.request("POST", "/v1/tokens", account.token(), "{\"name\":\"t\",\"scopes\":[\"read\"]}", "key-2");
        assertThat(tokenRetry.json().path("secret").asText()).isEqualTo(token.json().path("secret").asText());

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Reply>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racers.add(() -> SERVER.request("POST", "/v1/http-endpoints", account.token(), "{\"name\": \"raced\", \"url\": \"https://example.com/\"}", "key-race"));
            }
            List<String> ids = new ArrayList<>();
            for (Future<Reply> result : pool.invokeAll(racers)) {
                Reply reply = result.get();
                assertThat(reply.status()).as(reply.body()).isEqualTo(201);
                ids.add(reply.json().path("id").asText());
            }
            assertThat(ids).containsOnly(ids.get(0));
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(SERVER.request("GET", "/v1/http-endpoints", account.token(), null).json().path("data").size()).isEqualTo(2);
    }

    @Test
    void listsArePaginatedByCursor()
    {
        Account account = SERVER.newAccount("pages");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(post(account, "{\"name\": \"e" + i + "\", \"url\": \"https://example.com/\"}").json().path("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            Reply page = SERVER.request("GET", "/v1/http-endpoints?limit=2" + (after == null ? "" : "&after=" + after), account.token(), null);
            assertThat(page.json().path("data").size()).isLessThanOrEqualTo(2);
            page.json().path("data").forEach(item -> seen.add(item.path("id").asText()));
            after = page.json().hasNonNull("next_cursor") ? page.json().path("next_cursor").asText() : null;
        }
        while (after != null);
        assertThat(seen).containsExactlyElementsOf(created);
    }

    /** Sends a POST by hand, so the server can answer before the client has sent (all of) the body. */
    private static String rawExchange(Account account, String lengthHeader, String body)
    {
        URI uri = URI.create(SERVER.baseUrl());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/http-endpoints HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + account.token()
                    + "\r\nContent-Type: application/json\r\n" + lengthHeader + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(body.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            catch (IOException e) {
                // the server may answer and close before the whole body is sent; the answer is what counts
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Reply post(Account account, String body)
    {
        return SERVER.request("POST", "/v1/http-endpoints", account.token(), body);
    }

    private static void assertProblem(Reply reply, int status, String code, String field)
    {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().path("code").asText()).as(reply.body()).isEqualTo(code);
        assertThat(reply.json().path("detail").asText()).isNotBlank();
        if (field != null) {
            assertThat(reply.json().path("field").asText()).as(reply.body()).isEqualTo(field);
        }
    }
}
