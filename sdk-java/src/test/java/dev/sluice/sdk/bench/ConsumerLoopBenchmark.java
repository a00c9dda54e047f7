package dev.sluice.sdk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.sdk.ConsumerLoop;
import dev.sluice.sdk.SluiceApiException;
import dev.sluice.sdk.SluiceClient;
import dev.sluice.sdk.model.AckRequest;
import dev.sluice.sdk.model.ConsumerCreate;
import dev.sluice.sdk.model.ConsumerKind;
import dev.sluice.sdk.model.Message;
import dev.sluice.sdk.model.ReceiveRequest;
import dev.sluice.sdk.model.SourceCreate;
import dev.sluice.sdk.model.TableSelection;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Pull throughput of a {@link ConsumerLoop} (no-op handler) against the raw receive + ack rate of the same
 * server in the same run: the raw side receives 100 messages at a time and acks each batch in one request,
 * on one thread. Each round inserts the same number of rows into a table of the demo database, waits until
 * the consumer's backlog holds them all, then drains them; raw and loop rounds alternate.
 *
 * <pre>
 * java -jar server/target/sluice.jar dev --data-dir /tmp/sluice-bench --port 0 &amp;
 * sdk-java/scripts/bench-consumer-loop.sh /tmp/sluice-bench/dev.json [messages per round] [rounds] [concurrency] [prefetch]
 * </pre>
 *
 * A benchmark, not a test: it prints its numbers and asserts nothing.
 */
public final class ConsumerLoopBenchmark
{
    private static final Duration BACKLOG_WAIT = Duration.ofMinutes(5);

    private ConsumerLoopBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        if (args.length < 1) {
            System.err.println("usage: ConsumerLoopBenchmark DEV_JSON [messages per round, 20000] [rounds, 3] [concurrency, 8] [prefetch, the loop's default]");
            System.exit(2);
        }
        JsonNode dev = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        // the loop's default unless given
        Integer prefetch = args.length > 4 ? Integer.valueOf(args[4]) : null;

        SluiceClient client = SluiceClient.builder().endpoint(URI.create(dev.path("base_url").asText())).token(dev.path("token").asText()).build();
        JsonNode database = dev.path("demo_database");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String table = "bench_loop_" + suffix;
        String consumer = "bench-loop-" + suffix;
        String jdbcUrl = "jdbc:postgresql://" + database.path("host").asText() + ":" + database.path("port").asInt() + "/" + database.path("database").asText();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, database.path("username").asText(), database.path("password").asText())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("create table " + table + " (id bigint generated always as identity primary key, payload text not null)");
            }
            String source = demoSource(client, database);
            client.consumers().createConsumer(new ConsumerCreate()
                    .name(consumer)
                    .sourceId(source)
                    .kind(ConsumerKind.PULL)
                    .tables(List.of(new TableSelection().table(table))));
            try {
                List<Double> raw = new ArrayList<>();
                List<Double> loop = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    fill(client, connection, table, consumer, messages);
                    raw.add(rawRate(client, consumer, messages));
                    fill(client, connection, table, consumer, messages);
                    loop.add(loopRate(client, consumer, messages, concurrency, prefetch));
                    System.out.printf("round %d: raw receive+ack %.0f msg/s, loop (concurrency %d) %.0f msg/s%n", round, raw.get(round - 1), concurrency, loop.get(round - 1));
                }
                double rawMedian = median(raw);
                double loopMedian = median(loop);
                System.out.printf("%d rounds of %d messages: raw receive+ack %.0f msg/s, loop %.0f msg/s (medians); loop rate / raw receive+ack rate = %.2f%n",
                        rounds, messages, rawMedian, loopMedian, loopMedian / rawMedian);
            }
            finally {
                client.consumers().deleteConsumer(consumer);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("drop table " + table);
                }
            }
        }
    }

    /** The source of the demo database: the dev server's own ("demo", with --demo), or one made for the benchmark. */
    private static String demoSource(SluiceClient client, JsonNode database)
    {
        for (String name : List.of("demo", "bench")) {
            try {
                return client.sources().getSource(name).getId();
            }
            catch (SluiceApiException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
        }
        return client.sources().createSource(new SourceCreate()
                .name("bench")
                .host(database.path("host").asText())
                .port(database.path("port").asInt())
                .database(database.path("database").asText())
                .username(database.path("username").asText())
                .password(database.path("password").asText())).getId();
    }

    private static void fill(SluiceClient client, Connection connection, String table, String consumer, int messages)
            throws SQLException, InterruptedException
    {
        try (Statement statement = connection.createStatement()) {
            statement.execute("insert into " + table + " (payload) select 'row ' || n from generate_series(1, " + messages + ") as n");
        }
        long deadline = System.nanoTime() + BACKLOG_WAIT.toNanos();
        while (client.consumers().getConsumerStatus(consumer).getBacklog() < messages) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the backlog did not reach " + messages + " within " + BACKLOG_WAIT);
            }
            Thread.sleep(100);
        }
    }

    private static double rawRate(SluiceClient client, String consumer, int messages)
    {
        long started = System.nanoTime();
        int acked = 0;
        while (acked < messages) {
            List<Message> received = client.messages().receiveMessages(consumer, new ReceiveRequest().batchSize(100).waitSeconds(1)).getData();
            if (received == null || received.isEmpty()) {
                continue;
            }
            client.messages().ackMessages(consumer, new AckRequest().ackIds(received.stream().map(Message::getAckId).toList()));
            acked += received.size();
        }
        return messages / seconds(started);
    }

    private static double loopRate(SluiceClient client, String consumer, int messages, int concurrency, Integer prefetch)
            throws InterruptedException
    {
        long started = System.nanoTime();
        ConsumerLoop.Builder builder = client.consumerLoop(consumer).concurrency(concurrency).waitSeconds(1);
        if (prefetch != null) {
            builder.prefetch(prefetch);
        }
        ConsumerLoop loop = builder.start(message -> {});
        try {
            while (loop.counts().acked() + loop.counts().ackFailures() < messages) {
                Thread.sleep(1);
            }
            return messages / seconds(started);
        }
        finally {
            loop.close();
            if (loop.counts().ackFailures() > 0) {
                System.out.println("  (" + loop.counts().ackFailures() + " acks failed)");
            }
        }
    }

    private static double seconds(long startedNanos)
    {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static double median(List<Double> values)
    {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
