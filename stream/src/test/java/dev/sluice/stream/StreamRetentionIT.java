package dev.sluice.stream;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.EmbeddedMetadataPostgres;
import dev.sluice.store.Store;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream log's retention on a real Postgres: a generation every consumer is done with is dropped whole, one a
 * consumer still needs (unread, or read and not acknowledged) is kept, and a log too busy to lock is left for the next run.
 */
class StreamRetentionIT
{
    private static final SourceId SOURCE = new SourceId("src_00000000000000000000000001");
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @TempDir
    static Path directory;
    private static EmbeddedMetadataPostgres postgres;
    private static Store store;
    private static MessageStore messages;
    // a generation closes as soon as it holds a row, so every run that finds rows in the current one opens the next
    private static StreamRetention retention;

    @BeforeAll
    static void start()
    {
        postgres = EmbeddedMetadataPostgres.start(directory.resolve("postgres"), 0);
        Store.migrate(postgres.dataSource("postgres"));
        store = new Store(postgres.dataSource("postgres"));
        messages = new MessageStore(store, StreamMetrics.unregistered());
        retention = new StreamRetention(store, 1, Duration.ofHours(1));
        store.useHandle(handle -> {
            handle.execute("insert into accounts (id, name) values ('acc_1', 'one')");
            handle.execute("""
                    insert into sources (account_id, id, name, host, port, database_name, username, password_encrypted, ssl_mode, publication_name,
                                         slot_name, manage_publication, manage_slot)
                    values ('acc_1', 'src_00000000000000000000000001', 'source', 'localhost', 5432, 'db', 'user', 'x', 'disable', 'pub', 'slot', true, true)
                    """);
            handle.execute("insert into source_state (source_id) values ('src_00000000000000000000000001')");
        });
    }

    @AfterAll
    static void stop()
    {
        postgres.close();
    }

    @BeforeEach
    void noConsumerHoldsAnything()
    {
        // a deleted consumer needs nothing: one run drops every closed generation the tests before left
        store.useHandle(handle -> handle.execute("delete from consumers"));
        retention.run();
        assertThat(closedGenerations()).isEmpty();
    }

    @Test
    void aGenerationEveryConsumerAcknowledgedIsDroppedWhole()
    {
        ConsumerId consumer = consumer();
        append(consumer, "1", "2");
        int closing = currentGeneration();

        assertThat(retention.run().opened()).contains(closing + 1);
        ack(consumer, receive(consumer));

        assertThat(retention.run().dropped()).containsExactly(closing);
        assertThat(partitionExists(closing)).isFalse();
        assertThat(closedGenerations()).isEmpty();
        // the consumer carries on in the new generation
        append(consumer, "3");
        assertThat(receive(consumer)).hasSize(1);
    }

    @Test
    void aGenerationAConsumerHasNotReadIsKept()
    {
        ConsumerId done = consumer();
        ConsumerId behind = consumer();
        append(done, "1");
        append(behind, "1");
        int closing = currentGeneration();
        retention.run();
        ack(done, receive(done));

        assertThat(retention.run().dropped()).isEmpty();
        assertThat(partitionExists(closing)).isTrue();
        assertThat(receive(behind)).hasSize(1);
    }

    @Test
    void aGenerationWithAMessageInAConsumersWindowIsKeptUntilItIsAcknowledged()
    {
        ConsumerId consumer = consumer();
        append(consumer, "1", "2");
        int closing = currentGeneration();
        retention.run();
        List<MessageStore.Delivery> delivered = receive(consumer);
        assertThat(delivered).hasSize(2);
        // the cursor is past both; the second is still in the window
        ack(consumer, delivered.subList(0, 1));

        assertThat(retention.run().dropped()).isEmpty();
        assertThat(partitionExists(closing)).isTrue();

        ack(consumer, delivered.subList(1, 2));
        assertThat(retention.run().dropped()).containsExactly(closing);
    }

    @Test
    void aLogTooBusyToLockIsLeftForTheNextRun()
            throws Exception
    {
        ConsumerId consumer = consumer();
        append(consumer, "1");
        int closing = currentGeneration();
        retention.run();
        ack(consumer, receive(consumer));
        append(consumer, "2");
        int current = currentGeneration();

        // a reader holding the log: rotating and dropping both need it exclusively, and give up after their lock timeout
        try (Handle reader = store.jdbi().open()) {
            reader.begin();
            reader.execute("lock table stream_log in access share mode");
            StreamRetention.Result busy = retention.run();
            assertThat(busy.opened()).isEmpty();
            assertThat(busy.dropped()).isEmpty();
            assertThat(partitionExists(closing)).isTrue();
            assertThat(currentGeneration()).isEqualTo(current);
            reader.rollback();
        }

        StreamRetention.Result next = retention.run();
        assertThat(next.opened()).contains(current + 1);
        assertThat(next.dropped()).containsExactly(closing);
    }

    @Test
    void aGenerationAnAppendIsAboutToWriteIntoIsNeitherClosedNorDropped()
    {
        ConsumerId consumer = consumer();
        append(consumer, "1");
        ack(consumer, receive(consumer));
        // consumed, and holding a row: a run would close it and drop it at once, were no append about to write into it
        try (Handle writer = store.jdbi().open()) {
            writer.begin();
            int generation = StreamAppender.allocate(writer, SOURCE, 1).generation();

            StreamRetention.Result meanwhile = retention.run();
            assertThat(meanwhile.dropped()).doesNotContain(generation);
            assertThat(partitionExists(generation)).isTrue();
            writer.rollback();
        }
    }

    private static ConsumerId consumer()
    {
        ConsumerId id = ConsumerId.generate();
        store.useHandle(handle -> handle.execute("""
                insert into consumers (account_id, id, name, source_id, kind, tables, actions, batch_size, visibility_timeout_seconds, max_ack_pending,
                                       max_deliver, start_position, status)
                values ('acc_1', ?, ?, 'src_00000000000000000000000001', 'pull', '[]', '{insert}', 10, 30, 1000, 3, '{}', 'active')
                """, id, id));
        return id;
    }

    private static void append(ConsumerId consumerId, String... keys)
    {
        List<NewMessage> batch = new ArrayList<>();
        int lsn = SEQUENCE.incrementAndGet();
        for (int index = 0; index < keys.length; index++) {
            batch.add(new NewMessage(consumerId, "[" + keys[index] + "]", "insert", "public", "t", "{\"id\": " + keys[index] + "}", Optional.empty(),
                    Optional.empty(), lsn, Instant.now(), index));
        }
        store.useTransaction(handle -> StreamAppender.append(handle, SOURCE, batch, DeliveryCounters.of(store)));
    }

    private static List<MessageStore.Delivery> receive(ConsumerId consumerId)
    {
        return messages.receive(consumerId, 10, VISIBILITY, 3, 1000);
    }

    private static void ack(ConsumerId consumerId, List<MessageStore.Delivery> deliveries)
    {
        Map<String, MessageStore.Outcome> outcomes = messages.ack(consumerId, deliveries.stream().map(MessageStore.Delivery::ackId).toList());
        assertThat(outcomes.values()).containsOnly(MessageStore.Outcome.OK);
    }

    private static int currentGeneration()
    {
        return store.withHandle(handle -> handle.createQuery("select max(generation) from stream_generations").mapTo(Integer.class).one());
    }

    private static List<Integer> closedGenerations()
    {
        return store.withHandle(handle -> handle.createQuery("select generation from stream_generations where generation < (select max(generation) from stream_generations)")
                .mapTo(Integer.class).list());
    }

    private static boolean partitionExists(int generation)
    {
        return store.withHandle(handle -> handle.createQuery("select exists (select 1 from pg_class where relname = :name)")
                .bind("name", "stream_log_" + generation).mapTo(Boolean.class).one());
    }
}
