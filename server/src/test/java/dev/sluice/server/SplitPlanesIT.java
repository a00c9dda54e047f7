package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.secret.SecretBox;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Production shape, as an operator runs it: one metadata Postgres migrated by {@code sluice migrate}, a
 * {@code control-plane} process and two {@code data-plane} processes from one configuration file. The
 * worker streaming the source is killed with SIGKILL; the other takes over and nothing is lost.
 */
class SplitPlanesIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourcePostgres SOURCE = SourcePostgres.logical();
    private SluiceProcesses processes;

    @TempDir
    Path directory;

    @Test
    void controlPlaneAndTwoWorkersShareOneMetadataStoreAndSurviveAKilledWorker()
            throws Exception
    {
        String operatorToken = "op_" + UUID.randomUUID();
        processes = new SluiceProcesses(directory);
        try (EmbeddedPostgres metadata = EmbeddedPostgres.builder().start()) {
            Path config = processes.writeConfig(metadata.getPort(), SecretBox.generateKey(), """
                    dataPlane:
                      leaseTtl: 3s
                      tickInterval: 1s
                    logging:
                      level: WARN
                      loggers:
                        dev.sluice: INFO
                      appenders:
                        - type: console
                          layout:
                            type: json
                    """);
            String api = processes.startControlPlane(config, operatorToken);
            int firstPort = freePort();
            int secondPort = freePort();
            Process firstWorker = start(config, "data-plane", firstPort, operatorToken, "worker-1.log");
            Process secondWorker = start(config, "data-plane", secondPort, operatorToken, "worker-2.log");

            JsonNode account = JSON.readTree(send("POST", api + "/v1/accounts", operatorToken, "{\"name\":\"split\"}").body());
            String token = account.path("token").path("secret").asText();
            SOURCE.execute(SourcePostgres.DATABASE, "create table if not exists split_items (id int primary key, label text)");
            HttpResponse<String> source = send("POST", api + "/v1/sources", token, SOURCE.sourceJson("db", ""));
            assertThat(source.statusCode()).as(source.body()).isEqualTo(201);
            String sourceId = JSON.readTree(source.body()).path("id").asText();
            HttpResponse<String> consumer = send("POST", api + "/v1/consumers", token,
                    "{\"name\":\"items\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"split_items\"}],\"max_ack_pending\":100000}");
            assertThat(consumer.statusCode()).as(consumer.body()).isEqualTo(201);

            IntStream.rangeClosed(1, 50).forEach(id -> SOURCE.execute(SourcePostgres.DATABASE, "insert into split_items values (" + id + ", 'x')"));
            await().atMost(Duration.ofSeconds(60)).until(() -> backlog(api, token) == 50);

            String worker = JSON.readTree(send("GET", api + "/v1/sources/" + sourceId + "/status", token, null).body()).path("worker").asText();
            Process holder = worker.contains("-" + firstWorker.pid() + "-") ? firstWorker : secondWorker;
            assertThat(worker).contains("-" + holder.pid() + "-");
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            IntStream.rangeClosed(51, 100).forEach(id -> SOURCE.execute(SourcePostgres.DATABASE, "insert into split_items values (" + id + ", 'x')"));
            await().atMost(Duration.ofSeconds(90)).until(() -> backlog(api, token) == 100);
            String survivor = JSON.readTree(send("GET", api + "/v1/sources/" + sourceId + "/status", token, null).body()).path("worker").asText();
            assertThat(survivor).isNotEqualTo(worker);

            // the survivor now reports the source's lease and gauges; its JSON log lines about the source name it and its account
            Process survivorProcess = holder == firstWorker ? secondWorker : firstWorker;
            String survivorAdmin = "http://127.0.0.1:" + (survivorProcess == firstWorker ? firstPort : secondPort) + "/admin/prometheus";
            await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", survivorAdmin, operatorToken, null).body().lines()
                    .anyMatch(line -> line.startsWith("sluice_lease_held{") && line.contains("unit=\"extract:" + sourceId + "\"")
                            && line.contains("worker=\"" + survivor + "\"")));
            String accountId = account.path("account").path("id").asText();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(directory.resolve(survivorProcess == firstWorker ? "worker-1.log" : "worker-2.log"))) {
                if (line.startsWith("{")) {
                    lines.add(JSON.readTree(line));
                }
            }
            assertThat(lines).anySatisfy(line -> {
                assertThat(line.path("message").asText()).startsWith("streaming source " + sourceId);
                assertThat(line.path("mdc").path("account").asText()).isEqualTo(accountId);
                assertThat(line.path("mdc").path("source").asText()).isEqualTo(sourceId);
            });

            List<Integer> received = new ArrayList<>();
            while (received.size() < 100) {
                JsonNode batch = JSON.readTree(send("POST", api + "/v1/consumers/items/receive", token, "{\"batch_size\": 100, \"wait_seconds\": 5}").body()).path("data");
                assertThat(batch.size()).as("messages keep coming").isPositive();
                StringBuilder ackIds = new StringBuilder();
                for (JsonNode message : batch) {
                    received.add(message.path("record").path("id").asInt());
                    ackIds.append(ackIds.length() == 0 ? "" : ",").append('"').append(message.path("ack_id").asText()).append('"');
                }
                send("POST", api + "/v1/consumers/items/ack", token, "{\"ack_ids\":[" + ackIds + "]}");
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
        }
        catch (Throwable e) {
            // the processes' logs explain most failures
            try (Stream<Path> logs = Files.list(directory)) {
                for (Path log : logs.filter(file -> file.toString().endsWith(".log")).toList()) {
                    System.out.println("==== " + log.getFileName() + "\n" + Files.readString(log));
                }
            }
            throw e;
        }
        finally {
            processes.close();
        }
    }

    private long backlog(String api, String token)
            throws IOException, InterruptedException
    {
        return JSON.readTree(send("GET", api + "/v1/consumers/items/status", token, null).body()).path("backlog").asLong();
    }

    private Process start(Path config, String command, int port, String operatorToken, String log)
            throws IOException
    {
        return processes.start(config, command, port, operatorToken, log);
    }

    private HttpResponse<String> send(String method, String url, String token, String body)
            throws IOException, InterruptedException
    {
        return processes.send(method, url, token, body);
    }

    private static int freePort()
            throws IOException
    {
        return SluiceProcesses.freePort();
    }
}
