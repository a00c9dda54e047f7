package dev.sluice.server;

import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the whole API from openapi.yaml with schemathesis (scripts/schemathesis.sh): valid and invalid
 * requests to every operation, against fixtures that exist so path parameters reach real resources. No answer
 * may be a 5xx, and every answer must be one the spec declares: status, content type, headers and body.
 * Reports are written to target/fuzz/. A longer run: {@code -Dfuzz.examples=200 -Dfuzz.seed=<any number>}.
 * The passes run in order: the account's own, then revoking tokens (which may revoke the one fuzzing), then the
 * operator's (which may disable the account).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FuzzIT
{
    private static final TestServer SERVER = TestServer.get();
    private static final Path REPORTS = Path.of("target", "fuzz").toAbsolutePath();
    private static final Path SPEC = Path.of("..", "openapi", "openapi.yaml").toAbsolutePath().normalize();
    private static final String EXAMPLES = System.getProperty("fuzz.examples", "15");
    private static final String SEED = System.getProperty("fuzz.seed", "20261124");
    private static SourcePostgres source;
    private static Account account;
    private static Account operatorTarget;

    @BeforeAll
    static void createFixtures()
            throws IOException
    {
        source = SourcePostgres.dedicated();
        // the table stays empty, so no consumer ever has a message to push to an endpoint the fuzzer names
        source.execute(SourcePostgres.DATABASE, "create table fuzz_items (id bigint primary key, note text)");
        account = SERVER.newAccount("fuzz");
        operatorTarget = SERVER.newAccount("fuzz-operator-target");
        String sourceId = create("/v1/sources", source.sourceJson("fuzz-source", ""));
        String endpointId = create("/v1/http-endpoints", "{\"name\":\"fuzz-endpoint\",\"url\":\"https://example.com/hooks\"}");
        String pullId = create("/v1/consumers", "{\"name\":\"fuzz-pull\",\"source_id\":\"fuzz-source\",\"kind\":\"pull\",\"tables\":[{\"table\":\"fuzz_items\"}]}");
        String pushId = create("/v1/consumers",
                "{\"name\":\"fuzz-push\",\"source_id\":\"fuzz-source\",\"kind\":\"push\",\"endpoint_id\":\"fuzz-endpoint\",\"tables\":[{\"table\":\"fuzz_items\"}]}");
        String backfillId = create("/v1/consumers/fuzz-pull/backfills", "{}");
        String tokenId = create("/v1/tokens", "{\"name\":\"fuzz-token\",\"scopes\":[\"read\"]}");

        Files.createDirectories(REPORTS);
        // schemathesis reads schemathesis.toml from its working directory
        Files.writeString(REPORTS.resolve("schemathesis.toml"), """
                # written by FuzzIT: ids of the fixtures, so that most generated path parameters name a real resource
                request-timeout = 30
                # no NUL characters in generated strings: Postgres text cannot hold one, so every string the API stores
                # refuses it (400, "must not contain the NUL character"), by design and said in its message
                generation.allow-x00 = false
                # every check runs. A request the schema allows may still name an id that does not exist (404), break a rule
                # the schema cannot state (a pull consumer has no endpoint_id, 422), take a name already taken (409) or lack
                # a scope (403); any other refusal (a 400 for a path parameter the spec allows, say) fails the run.
                [checks]
                positive_data_acceptance = { expected-statuses = ["2xx", "401", "403", "404", "409", "422"] }
                # receive long-polls for up to 20 s by design
                max_response_time = 25
                [dictionaries.sources]
                values = ["%s", "fuzz-source"]
                [dictionaries.endpoints]
                values = ["%s", "fuzz-endpoint"]
                [dictionaries.consumers]
                values = ["%s", "fuzz-pull", "%s", "fuzz-push"]
                [dictionaries.backfills]
                values = ["%s"]
                [dictionaries.tokens]
                values = ["%s", "fuzz-token"]
                [dictionaries.accounts]
                values = ["%s", "%s"]
                [dictionaries.hosts]
                values = ["127.0.0.1"]

                [parameters]
                # sources the fuzzer creates or checks are looked for on this machine only
                "body.host" = { dictionary = "hosts" }

                # deletes keep to generated ids, so the fixtures stay for the operations tested after them
                [[operations]]
                exclude-method = "DELETE"
                parameters = { "path.sourceId" = { dictionary = "sources", probability = 0.8 }, "path.endpointId" = { dictionary = "endpoints", probability = 0.8 }, "path.consumerId" = { dictionary = "consumers", probability = 0.8 }, "path.backfillId" = { dictionary = "backfills", probability = 0.8 }, "path.tokenId" = { dictionary = "tokens", probability = 0.8 }, "path.accountId" = { dictionary = "accounts", probability = 0.8 } }

                # receive's body is optional and a JSON null is read as no body on purpose: the Java SDK sends null
                # when it is given no request; its other bad input is covered by BadInputIT
                [[operations]]
                include-operation-id = "receiveMessages"
                checks = { negative_data_rejection = { enabled = false } }

                # a header name with a character outside the BMP (sent as an escaped surrogate pair) is refused by the JSON
                # parser itself (400, "Illegal surrogate character"); header names must be HTTP tokens, which OpenAPI 3.0
                # cannot state for the keys of a map, so these two may answer 400 to such a name
                [[operations]]
                include-operation-id-regex = "^(createHttpEndpoint|updateHttpEndpoint)$"
                checks = { positive_data_acceptance = { expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422"] } }

                [[operations]]
                include-operation-id = "revokeToken"
                parameters = { "path.tokenId" = { dictionary = "tokens", probability = 0.8 } }
                """.formatted(sourceId, endpointId, pullId, pushId, backfillId, tokenId, operatorTarget.id(), operatorTarget.name()));
    }

    @AfterAll
    static void stopSource()
    {
        if (source != null) {
            source.close();
        }
    }

    @Test
    @Order(1)
    void accountOperations()
    {
        fuzz("account", account.token(), "--exclude-path-regex", "^/v1/accounts", "--exclude-operation-id", "revokeToken");
    }

    @Test
    @Order(2)
    void revokingTokens()
    {
        fuzz("revoke-token", account.token(), "--include-operation-id", "revokeToken");
    }

    @Test
    @Order(3)
    void operatorOperations()
    {
        fuzz("operator", TestServer.OPERATOR_TOKEN, "--include-path-regex", "^/v1/accounts");
    }

    private static void fuzz(String pass, String token, String... selection)
    {
        List<String> command = new ArrayList<>(List.of("bash", Path.of("scripts", "schemathesis.sh").toAbsolutePath().toString(),
                SPEC.toString(),
                "--url", SERVER.baseUrl(),
                "--header", "Authorization: Bearer " + token,
                "--max-examples", EXAMPLES,
                "--seed", SEED,
                // one worker: parallel workers once failed inside hypothesis itself (a race in its lambda source cache)
                "--workers", "1",
                "--generation-database", "none",
                "--no-color",
                "--report", "junit",
                "--report-dir", REPORTS.resolve(pass).toString()));
        command.addAll(List.of(selection));
        Path output = REPORTS.resolve(pass + ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(REPORTS.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("schemathesis did not finish within 10 minutes; its output so far is in " + output);
            }
            String report = Files.readString(output);
            assertThat(process.exitValue()).as("schemathesis (%s pass) found problems:%n%s", pass, report).isZero();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String create(String path, String body)
    {
        Reply reply = SERVER.request("POST", path, account.token(), body);
        assertThat(reply.status()).as(path + ": " + reply.body()).isEqualTo(201);
        return requireNonNull(reply.json().path("id").textValue(), "id is null");
    }
}
