package dev.sluice.server.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.server.RestartablePostgres;
import dev.sluice.server.SluiceProcesses;
import dev.sluice.server.SourcePostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replication slot the source invalidates because it kept more WAL than {@code max_slot_wal_keep_size}
 * allows while no worker streamed it: the source shows {@code slot_lost} in the API, the console and the
 * metrics, and a reset (re-create the slot, backfill every consumer) gives each consumer the current state of
 * every row again, then streams changes as before.
 */
class SlotLostIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 50;

    @TempDir
    Path directory;

    private SluiceProcesses processes;
    private RestartablePostgres metadata;
    private SourcePostgres source;
    private Path config;
    private String operatorToken;
    private String api;
    private String token;

    @AfterEach
    void stop()
            throws InterruptedException
    {
        if (processes != null) {
            processes.close();
        }
        if (metadata != null) {
            metadata.close();
        }
        if (source != null) {
            source.close();
        }
    }

    @Test
    void anInvalidatedSlotIsReportedAndAResetRestoresEveryRow()
            throws Exception
    {
        processes = new SluiceProcesses(directory);
        metadata = RestartablePostgres.start(Map.of());
        source = SourcePostgres.dedicated();
        startSluice();
        int workerPort = SluiceProcesses.freePort();
        Process worker = processes.start(config, "data-plane", workerPort, operatorToken, "worker-1.log");

        source.execute(SourcePostgres.DATABASE, "create table items (id bigint primary key, version bigint not null, payload text)");
        source.execute(SourcePostgres.DATABASE, "insert into items select g, 1, 'first' from generate_series(1, " + ROWS + ") g");
        String sourceId = create("/v1/sources", source.sourceJson("shop", "")).path("id").asText();
        String slot = JSON.readTree(call("GET", "/v1/sources/" + sourceId, null).body()).path("slot_name").asText();
        create("/v1/consumers", "{\"name\":\"mirror\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"items\"}],"
                + "\"start\":{\"at\":\"beginning\"}}");
        Map<Long, Long> mirror = new HashMap<>();
        receiveUntil(mirror, expected(ROWS, 1));

        // the only worker goes away: nothing streams the slot while the source writes on
        worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        source.execute(SourcePostgres.DATABASE, "update items set version = 2, payload = 'while nobody streamed'");
        source.superuser("postgres", "alter system set max_slot_wal_keep_size = '1MB'");
        source.superuser("postgres", "select pg_reload_conf()");
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> {
            // each round fills and switches a WAL segment; a checkpoint then removes what the slot still needs
            source.execute(SourcePostgres.DATABASE, "create table if not exists filler (payload text)");
            source.execute(SourcePostgres.DATABASE, "insert into filler select repeat('x', 1000) from generate_series(1, 2000)");
            source.superuser("postgres", "select pg_switch_wal()");
            source.superuser("postgres", "checkpoint");
            return "lost".equals(source.query("select wal_status from pg_replication_slots where slot_name = '" + slot + "'"));
        });

        // the slot stays lost; what streams after the reset is kept as usual
        source.superuser("postgres", "alter system reset max_slot_wal_keep_size");
        source.superuser("postgres", "select pg_reload_conf()");
        processes.start(config, "data-plane", workerPort, operatorToken, "worker-2.log");
        JsonNode status = await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
                .until(() -> JSON.readTree(call("GET", "/v1/sources/" + sourceId + "/status", null).body()),
                        node -> node.path("state").asText().equals("slot_lost"));
        assertThat(status.path("last_error").asText()).contains("invalidated").contains("max_slot_wal_keep_size").contains("/reset-slot");
        await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> processes.send("GET", "http://127.0.0.1:" + workerPort + "/admin/prometheus",
                operatorToken, null).body().contains("sluice_source_state{source=\"" + sourceId + "\",state=\"slot_lost\"} 1.0"));

        // a row written while the slot is lost is in the backfill too
        source.execute(SourcePostgres.DATABASE, "insert into items values (" + (ROWS + 1) + ", 1, 'during the outage')");

        // the console shows the state and offers the reset, which is refused without the form's token
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String loginPage = browser.send(HttpRequest.newBuilder(URI.create(api + "/console/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher loginCsrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(loginPage);
        assertThat(loginCsrf.find()).isTrue();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(api + "/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + loginCsrf.group(1) + "&token=" + token)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(303);
        String page = browser.send(HttpRequest.newBuilder(URI.create(api + "/console/sources/" + sourceId)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(page).contains("Replication slot lost").contains("id=\"reset-slot\"");
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> reset = browser.send(HttpRequest.newBuilder(URI.create(api + "/console/sources/" + sourceId + "/reset-slot"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(303);

        // the backfill brings every row's current state; changes stream again after it
        Map<Long, Long> current = expected(ROWS, 2);
        current.put((long) ROWS + 1, 1L);
        receiveUntil(mirror, current);
        assertThat(source.query("select wal_status from pg_replication_slots where slot_name = '" + slot + "'")).isNotEqualTo("lost");
        source.execute(SourcePostgres.DATABASE, "update items set version = 3 where id = 1");
        current.put(1L, 3L);
        receiveUntil(mirror, current);
        assertThat(JSON.readTree(call("GET", "/v1/sources/" + sourceId + "/status", null).body()).path("state").asText()).isEqualTo("streaming");

        // with the slot usable again there is nothing to reset
        HttpResponse<String> again = call("POST", "/v1/sources/" + sourceId + "/reset-slot", null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(again.body()).path("detail").asText()).contains("usable");

        // a slot dropped by hand is lost the same way (a new one would skip what happened in between), and reset through the API
        source.dropSlot(slot);
        source.execute(SourcePostgres.DATABASE, "update items set version = 4 where id = 2");
        JsonNode dropped = await().atMost(Duration.ofMinutes(1)).ignoreExceptions()
                .until(() -> JSON.readTree(call("GET", "/v1/sources/" + sourceId + "/status", null).body()),
                        node -> node.path("state").asText().equals("slot_lost"));
        assertThat(dropped.path("last_error").asText()).contains("no longer exists");
        HttpResponse<String> resetByApi = call("POST", "/v1/sources/" + sourceId + "/reset-slot", null);
        assertThat(resetByApi.statusCode()).as(resetByApi.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(resetByApi.body());
        assertThat(body.path("slot_name").asText()).isEqualTo(slot);
        assertThat(body.path("backfills")).hasSize(1);
        assertThat(body.path("backfills").get(0).path("consumer_id").asText()).isNotEmpty();
        current.put(2L, 4L);
        receiveUntil(mirror, current);
    }

    private static Map<Long, Long> expected(int rows, long version)
    {
        Map<Long, Long> expected = new HashMap<>();
        for (long id = 1; id <= rows; id++) {
            expected.put(id, version);
        }
        return expected;
    }

    /** Receives and acknowledges messages, keeping each row's last version, until the mirror holds {@code expected}. */
    private void receiveUntil(Map<Long, Long> mirror, Map<Long, Long> expected)
    {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10)).until(() -> {
            JsonNode data = JSON.readTree(call("POST", "/v1/consumers/mirror/receive", "{\"batch_size\": 100, \"wait_seconds\": 1}").body()).path("data");
            StringBuilder ackIds = new StringBuilder();
            for (JsonNode message : data) {
                JsonNode record = message.path("record");
                mirror.put(record.path("id").asLong(), record.path("version").asLong());
                ackIds.append(ackIds.length() == 0 ? "" : ",").append('"').append(message.path("ack_id").asText()).append('"');
            }
            if (!data.isEmpty()) {
                assertThat(call("POST", "/v1/consumers/mirror/ack", "{\"ack_ids\": [" + ackIds + "]}").statusCode()).isEqualTo(200);
            }
            return mirror.equals(expected);
        });
    }

    private void startSluice()
            throws Exception
    {
        operatorToken = "op_" + UUID.randomUUID();
        config = processes.writeConfig(metadata.port(), SecretBox.generateKey(), """
                dataPlane:
                  leaseTtl: 3s
                  tickInterval: 1s
                logging:
                  level: WARN
                  loggers:
                    dev.sluice: INFO
                """);
        api = processes.startControlPlane(config, operatorToken);
        JsonNode account = JSON.readTree(processes.send("POST", api + "/v1/accounts", operatorToken, "{\"name\":\"slots\"}").body());
        token = account.path("token").path("secret").asText();
    }

    private HttpResponse<String> call(String method, String path, String body)
            throws IOException, InterruptedException
    {
        return processes.send(method, api + path, token, body);
    }

    private JsonNode create(String path, String body)
            throws IOException, InterruptedException
    {
        HttpResponse<String> response = call("POST", path, body);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }
}
