package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

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
        assertThat(endpoint.has("signing_secret")).as("a secret given in the whsec_ form is not shown back").isFalse();
        String id = endpoint.path("id").asText();
        for (Reply reply : new Reply[] {created, SERVER.request("GET", "/v1/http-endpoints/" + id, account.token(), null),
                SERVER.request("GET", "/v1/http-endpoints", account.token(), null)}) {
            assertThat(reply.body()).doesNotContain(SECRET_HEADER_VALUE).doesNotContain(SIGNING_SECRET).doesNotContain("very-secret");
        }
    }

    @Test
    void anEndpointWithoutASecretGetsOneShownOnceInTheStandardWebhooksForm()
    {
        Account account = SERVER.newAccount("endgen");
        Reply created = SERVER.request("POST", "/v1/http-endpoints", account.token(), "{\"name\":\"hooks\",\"url\":\"https://hooks.example.com/in\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String secret = created.json().path("signing_secret").asText();
        assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);
        assertThat(created.json().path("has_signing_secret").asBoolean()).isTrue();
        for (Reply reply : new Reply[] {SERVER.request("GET", "/v1/http-endpoints/hooks", account.token(), null),
                SERVER.request("GET", "/v1/http-endpoints", account.token(), null)}) {
            assertThat(reply.body()).doesNotContain(secret.substring("whsec_".length())).doesNotContain("\"signing_secret\"");
        }
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyAnswersTheSameSecret()
    {
        Account account = SERVER.newAccount("endidem");
        String body = "{\"name\":\"hooks\",\"url\":\"https://hooks.example.com/in\"}";
        Reply first = SERVER.request("POST", "/v1/http-endpoints", account.token(), body, "create-hooks-1");
        Reply retried = SERVER.request("POST", "/v1/http-endpoints", account.token(), body, "create-hooks-1");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        assertThat(retried.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertThat(retried.json().path("signing_secret").asText()).startsWith("whsec_").isEqualTo(first.json().path("signing_secret").asText());
    }

    @Test
    void aRotationShowsTheNewSecretOnceAndEachRotationMakesANewOne()
    {
        Account account = SERVER.newAccount("endrot");
        String first = SERVER.request("POST", "/v1/http-endpoints", account.token(), "{\"name\":\"hooks\",\"url\":\"https://hooks.example.com/in\"}")
                .json().path("signing_secret").asText();
        Reply rotated = SERVER.request("POST", "/v1/http-endpoints/hooks/rotate-signing-secret", account.token(), null);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String second = rotated.json().path("signing_secret").asText();
        String third = SERVER.request("POST", "/v1/http-endpoints/hooks/rotate-signing-secret", account.token(), null).json().path("signing_secret").asText();
        assertThat(List.of(first, second, third)).allMatch(secret -> secret.startsWith("whsec_")).doesNotHaveDuplicates();
        assertThat(SERVER.request("GET", "/v1/http-endpoints/hooks", account.token(), null).body()).doesNotContain(third.substring("whsec_".length()));

        String readToken = SERVER.request("POST", "/v1/tokens", account.token(), "{\"name\":\"reader\",\"scopes\":[\"read\"]}").json().path("secret").asText();
        assertThat(SERVER.request("POST", "/v1/http-endpoints/hooks/rotate-signing-secret", readToken, null).status()).isEqualTo(403);
        assertThat(SERVER.request("POST", "/v1/http-endpoints/end_01jbz6x6k8v3m2q4r5s6t7v8w9/rotate-signing-secret", account.token(), null).status())
                .isEqualTo(404);
    }

    @Test
    void rotationsBeyondTenWithinTheGracePeriodAreRefusedRatherThanDroppingAValidSecret()
    {
        Account account = SERVER.newAccount("endmany");
        SERVER.request("POST", "/v1/http-endpoints", account.token(), "{\"name\":\"hooks\",\"url\":\"https://hooks.example.com/in\"}");
        for (int i = 0; i < 10; i++) {
            assertThat(SERVER.request("POST", "/v1/http-endpoints/hooks/rotate-signing-secret", account.token(), null).status()).isEqualTo(200);
        }
        Reply refused = SERVER.request("POST", "/v1/http-endpoints/hooks/rotate-signing-secret", account.token(), null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("detail").asText()).contains("24-hour grace period");
    }

    @Test
    void aSecretGivenAsTextIsShownConvertedAndAMalformedOneIsRefused()
    {
        Account account = SERVER.newAccount("endconv");
        String text = "a-signing-secret-given-as-plain-text";
        Reply created = SERVER.request("POST", "/v1/http-endpoints", account.token(),
                "{\"name\":\"hooks\",\"url\":\"https://hooks.example.com/in\",\"signing_secret\":\"" + text + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("signing_secret").asText()).isEqualTo("whsec_" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));

        assertField(account, "{\"name\":\"e\",\"url\":\"https://example.com/\",\"signing_secret\":\"whsec_not*base64*at*all*here\"}", "signing_secret");
        String shortKey = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
        assertField(account, "{\"name\":\"e\",\"url\":\"https://example.com/\",\"signing_secret\":\"" + shortKey + "\"}", "signing_secret");
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
                "http://[::1]/x", "http://192.168.0.10/", "http://[::ffff:127.0.0.1]/", "http://0x7f000001/", "http://017700000001/",
                "http://0177.0.0.1/", "http://127.1/", "http://[::ffff:a9fe:a9fe]/"}) {
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
