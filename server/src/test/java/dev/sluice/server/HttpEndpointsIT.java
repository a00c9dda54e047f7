package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpEndpointsIT
{
    private static final TestServer SERVER = TestServer.get();
    private static final String SIGNING_SECRET = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cw==";
    private static final String SECRET_HEADER_VALUE = "Bearer very-secret-header-value";

    @Test
    void secretsAreStoredButNeverReturned()
    {
        Account account = SERVER.newAccount("end");
        Reply created = SERVER.request("POST", "/v1/http-endpoints", account.token(), """
                {"name": "hooks", "url": "https://hooks.example.com/in", "headers": {"X-Team": "data"},
                 "secret_headers": {"Authorization": "%s"}, "signing_secret": "%s"}
                """.formatted(SECRET_HEADER_VALUE, SIGNING_SECRET));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode endpoint = created.json();
        assertThat(endpoint.path("id").asText()).startsWith("end_");
        assertThat(endpoint.path("headers").path("X-Team").asText()).isEqualTo("data");
        assertThat(endpoint.path("secret_header_names")).extracting(JsonNode::asText).containsExactly("Authorization");
        assertThat(endpoint.path("has_signing_secret").asBoolean()).isTrue();
        String id = endpoint.path("id").asText();
        for (Reply reply : new Reply[] {created, SERVER.request("GET", "/v1/http-endpoints/" + id, account.token(), null),
                SERVER.request("GET", "/v1/http-endpoints", account.token(), null)}) {
            assertThat(reply.body()).doesNotContain(SECRET_HEADER_VALUE).doesNotContain(SIGNING_SECRET).doesNotContain("very-secret");
        }
    }

    @Test
    void updateChangesOnlyTheFieldsGiven()
    {
        Account account = SERVER.newAccount("endupd");
        String id = SERVER.request("POST", "/v1/http-endpoints", account.token(),
                "{\"name\":\"hooks\",\"url\":\"https://hooks.example.com/a\",\"headers\":{\"X-A\":\"1\"}}").json().path("id").asText();
        Reply updated = SERVER.request("PATCH", "/v1/http-endpoints/hooks", account.token(), "{\"url\":\"https://hooks.example.com/b\",\"signing_secret\":\"" + SIGNING_SECRET + "\"}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("url").asText()).isEqualTo("https://hooks.example.com/b");
        assertThat(updated.json().path("headers").path("X-A").asText()).isEqualTo("1");
        assertThat(updated.json().path("has_signing_secret").asBoolean()).isTrue();
        assertThat(updated.json().path("id").asText()).isEqualTo(id);
    }

    @Test
    void privateLoopbackAndLinkLocalTargetsAreRefused()
    {
        Account account = SERVER.newAccount("ssrf");
        for (String url : new String[] {"http://127.0.0.1:8080/x", "http://localhost/x", "http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data",
                "http://[::1]/x", "http://192.168.0.10/", "http://[::ffff:127.0.0.1]/"}) {
            Reply reply = SERVER.request("POST", "/v1/http-endpoints", account.token(), "{\"name\":\"internal\",\"url\":\"" + url + "\"}");
            assertThat(reply.status()).as(url).isEqualTo(422);
            assertThat(reply.json().path("field").asText()).isEqualTo("url");
            assertThat(reply.json().path("detail").asText()).as(url).contains("private");
        }
        assertThat(SERVER.request("GET", "/v1/http-endpoints", account.token(), null).json().path("data")).isEmpty();
    }

    @Test
    void malformedUrlsAndHeadersAreClearErrors()
    {
        Account account = SERVER.newAccount("badurl");
        assertField(account, "{\"name\":\"e\",\"url\":\"ftp://example.com/x\"}", "url");
        assertField(account, "{\"name\":\"e\",\"url\":\"not a url\"}", "url");
        assertField(account, "{\"name\":\"e\",\"url\":\"https://user:pw@example.com/\"}", "url");
        assertField(account, "{\"name\":\"e\",\"url\":\"https://example.com/\",\"headers\":{\"Bad Header\":\"x\"}}", "headers.Bad Header");
        assertField(account, "{\"name\":\"e\",\"url\":\"https://example.com/\",\"headers\":{\"webhook-signature\":\"x\"}}", "headers.webhook-signature");
        assertField(account, "{\"name\":\"e\",\"url\":\"https://example.com/\",\"signing_secret\":\"short\"}", "signing_secret");
    }

    private static void assertField(Account account, String body, String field)
    {
        Reply reply = SERVER.request("POST", "/v1/http-endpoints", account.token(), body);
        assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(422);
        assertThat(reply.json().path("field").asText()).isEqualTo(field);
    }
}
