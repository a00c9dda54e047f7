package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Through the API only: a source and a consumer are created, rows change in the source, and the consumer's stream fills. */
class StreamingIT
{
    private static final TestServer SERVER = TestServer.get();
    private static final SourcePostgres SOURCE = SourcePostgres.logical();

    @Test
    void changesInTheSourceReachTheConsumersStream()
    {
        Account account = SERVER.newAccount("stream");
        SOURCE.execute(SourcePostgres.DATABASE, "create table if not exists shipments (id bigint primary key, state text)");
        String source = ConsumersIT.createSource(account);
        Reply consumer = SERVER.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"shipped\",\"source_id\":\"" + source + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"shipments\"}],\"filter\":\"state = 'shipped'\"}");
        assertThat(consumer.status()).as(consumer.body()).isEqualTo(201);

        SOURCE.execute(SourcePostgres.DATABASE, "insert into shipments values (1, 'packed'), (2, 'shipped'), (3, 'shipped')");
        SOURCE.execute(SourcePostgres.DATABASE, "update shipments set state = 'shipped' where id = 1");

        await().atMost(Duration.ofSeconds(60)).until(() -> SERVER.request("GET", "/v1/consumers/shipped/status", account.token(), null).json().path("backlog").asLong() == 3);
        Reply status = SERVER.request("GET", "/v1/sources/" + source + "/status", account.token(), null);
        assertThat(status.json().path("state").asText()).isEqualTo("streaming");
        assertThat(status.json().path("worker").asText()).isNotEmpty();
        assertThat(status.json().path("last_confirmed_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(status.json().path("messages_stored").asLong()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aConsumerStartingAtTheBeginningReadsTheTableThenFollowsIt()
    {
        Account account = SERVER.newAccount("beginning");
        SOURCE.execute(SourcePostgres.DATABASE, "create table if not exists parcels (id bigint primary key, weight numeric)");
        SOURCE.execute(SourcePostgres.DATABASE, "insert into parcels select g, g * 1.5 from generate_series(1, 2500) g on conflict do nothing");
        String source = ConsumersIT.createSource(account);
        Reply consumer = SERVER.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"parcels\",\"source_id\":\"" + source + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"parcels\"}],\"start\":{\"at\":\"beginning\"},\"max_ack_pending\":10000}");
        assertThat(consumer.status()).as(consumer.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode backfills = SERVER.request("GET", "/v1/consumers/parcels/backfills", account.token(), null).json().path("data");
            return backfills.size() == 1 && backfills.get(0).path("state").asText().equals("completed");
        });
        JsonNode backfill = SERVER.request("GET", "/v1/consumers/parcels/backfills", account.token(), null).json().path("data").get(0);
        assertThat(backfill.path("rows_read").asLong()).isEqualTo(2500);
        SOURCE.execute(SourcePostgres.DATABASE, "update parcels set weight = 0 where id = 1");
        await().atMost(Duration.ofSeconds(60)).until(() -> SERVER.request("GET", "/v1/consumers/parcels/status", account.token(), null).json().path("backlog").asLong() == 2501);
        Reply first = SERVER.request("POST", "/v1/consumers/parcels/receive", account.token(), "{\"batch_size\": 1}");
        JsonNode message = first.json().path("data").get(0);
        assertThat(message.path("action").asText()).isEqualTo("read");
        assertThat(message.path("record").path("id").asLong()).isEqualTo(1);
        assertThat(message.path("record").path("weight").decimalValue()).isEqualByComparingTo("1.5");
    }
}
