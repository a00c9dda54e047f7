package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccountsAndTokensIT
{
    private final TestServer server = TestServer.get();

    @Test
    void operatorCreatesAccountWithATokenThatWorks()
    {
        Account account = server.newAccount("acme");

        Reply me = server.request("GET", "/v1/me", account.token(), null);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("account_id").asText()).isEqualTo(account.id());
        assertThat(me.json().path("account_name").asText()).isEqualTo(account.name());
        assertThat(me.json().path("scopes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("manage", "read", "consume");

        Reply got = server.request("GET", "/v1/accounts/" + account.name(), TestServer.OPERATOR_TOKEN, null);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().path("id").asText()).isEqualTo(account.id());
    }

    @Test
    void accountNamesAreUnique()
    {
        Account account = server.newAccount("unique");
        Reply again = server.request("POST", "/v1/accounts", TestServer.OPERATOR_TOKEN, "{\"name\":\"" + account.name() + "\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("code").asText()).isEqualTo("name_taken");
    }

    @Test
    void onlyTheOperatorManagesAccounts()
    {
        Account account = server.newAccount("notop");
        Reply reply = server.request("POST", "/v1/accounts", account.token(), "{\"name\":\"sneaky\"}");
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().path("code").asText()).isEqualTo("operator_only");
        assertThat(server.request("GET", "/v1/accounts", account.token(), null).status()).isEqualTo(403);
    }

    @Test
    void disabledAccountIsRefusedAtOnceAndCanBeEnabledAgain()
    {
        Account account = server.newAccount("disable");
        Reply disabled = server.request("POST", "/v1/accounts/" + account.id() + "/disable", TestServer.OPERATOR_TOKEN, null);
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.json().path("status").asText()).isEqualTo("disabled");

        Reply refused = server.request("GET", "/v1/me", account.token(), null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("code").asText()).isEqualTo("account_disabled");

        server.request("POST", "/v1/accounts/" + account.id() + "/enable", TestServer.OPERATOR_TOKEN, null);
        assertThat(server.request("GET", "/v1/me", account.token(), null).status()).isEqualTo(200);
    }

    @Test
    void missingOrUnknownTokenIsA401Problem()
    {
        Reply missing = server.request("GET", "/v1/sources", null, null);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.json().path("code").asText()).isEqualTo("unauthenticated");
        assertThat(missing.response().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));

        Reply unknown = server.request("GET", "/v1/sources", "slc_notarealtoken", null);
        assertThat(unknown.status()).isEqualTo(401);
    }

    @Test
    void tokenSecretIsShownOnceAndRevokedTokenIsRefusedAtOnce()
    {
        Account account = server.newAccount("tokens");
        Reply created = server.request("POST", "/v1/tokens", account.token(), "{\"name\":\"ci\",\"scopes\":[\"read\"]}");
        assertThat(created.status()).isEqualTo(201);
        String secret = created.json().path("secret").asText();
        String tokenId = created.json().path("id").asText();
        assertThat(secret).startsWith("slc_");
        assertThat(created.json().path("prefix").asText()).isEqualTo(secret.substring(0, 10));

        Reply listed = server.request("GET", "/v1/tokens", account.token(), null);
        assertThat(listed.body()).doesNotContain(secret);
        assertThat(listed.json().path("data")).extracting(node -> node.path("name").asText()).contains("admin", "ci");
        Reply got = server.request("GET", "/v1/tokens/ci", account.token(), null);
        assertThat(got.json().has("secret")).isFalse();

        assertThat(server.request("GET", "/v1/sources", secret, null).status()).isEqualTo(200);
        assertThat(server.request("DELETE", "/v1/tokens/" + tokenId, account.token(), null).status()).isEqualTo(204);
        Reply refused = server.request("GET", "/v1/sources", secret, null);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(server.request("GET", "/v1/tokens/" + tokenId, account.token(), null).status()).isEqualTo(404);
    }

    @Test
    void scopesLimitWhatATokenMayDo()
    {
        Account account = server.newAccount("scopes");
        String read = server.request("POST", "/v1/tokens", account.token(), "{\"name\":\"reader\",\"scopes\":[\"read\"]}").json().path("secret").asText();
        String consume = server.request("POST", "/v1/tokens", account.token(), "{\"name\":\"consumer\",\"scopes\":[\"consume\"]}").json().path("secret").asText();

        assertThat(server.request("GET", "/v1/http-endpoints", read, null).status()).isEqualTo(200);
        Reply readCannotCreate = server.request("POST", "/v1/http-endpoints", read, "{\"name\":\"x\",\"url\":\"https://example.com/hook\"}");
        assertThat(readCannotCreate.status()).isEqualTo(403);
        assertThat(readCannotCreate.json().path("code").asText()).isEqualTo("insufficient_scope");
        assertThat(server.request("POST", "/v1/tokens", read, "{\"name\":\"escalate\",\"scopes\":[\"manage\"]}").status()).isEqualTo(403);
        assertThat(server.request("POST", "/v1/sources/src_01jbz6x6k8v3m2q4r5s6t7v8w9/check", read, null).status())
                .as("a check connects to the user's database: it needs manage").isEqualTo(403);

        assertThat(server.request("GET", "/v1/sources", consume, null).status()).isEqualTo(403);
        assertThat(server.request("GET", "/v1/tokens", consume, null).status()).isEqualTo(403);
        assertThat(server.request("GET", "/v1/me", consume, null).status()).isEqualTo(200);
    }

    @Test
    void accountsAreListedInPages()
    {
        for (int i = 0; i < 3; i++) {
            server.newAccount("page");
        }
        Reply first = server.request("GET", "/v1/accounts?limit=2", TestServer.OPERATOR_TOKEN, null);
        assertThat(first.json().path("data").size()).isEqualTo(2);
        String cursor = first.json().path("next_cursor").asText();
        assertThat(cursor).isNotEmpty();
        Reply second = server.request("GET", "/v1/accounts?limit=2&after=" + cursor, TestServer.OPERATOR_TOKEN, null);
        assertThat(second.json().path("data").get(0).path("id").asText()).isGreaterThan(cursor);
    }
}
