package dev.sluice.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.EmbeddedMetadataPostgres;
import dev.sluice.store.Json;
import dev.sluice.store.Store;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The stream store on a real Postgres: the log, the cursor, the window, generations and the upgrade from the first store. */
class MessageStoreIT
{
    private static final SourceId SOURCE = new SourceId("src_00000000000000000000000001");
    private static final ConsumerId CON_A = new ConsumerId("con_0000000000000000000000000a");
    private static final ConsumerId CON_FAST = new ConsumerId("con_0000000000000000000000000f");
    private static final ConsumerId CON_SLOW = new ConsumerId("con_0000000000000000000000000s");
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final AtomicInteger LSN = new AtomicInteger();

    @TempDir
    Path directory;
    private EmbeddedMetadataPostgres postgres;
    private Store store;
    private MessageStore messages;

    @BeforeEach
    void start()
    {
        postgres = EmbeddedMetadataPostgres.start(directory.resolve("postgres"), 0);
    }

    @AfterEach
    void stop()
    {
        postgres.close();
    }

    private void migrated()
    {
        Store.migrate(postgres.dataSource("postgres"));
        store = new Store(postgres.dataSource("postgres"));
        messages = new MessageStore(store, StreamMetrics.unregistered());
        store.useHandle(handle -> {
            handle.execute("insert into accounts (id, name) values ('acc_1', 'one') on conflict do nothing");
            handle.execute("""
                    insert into sources (account_id, id, name, host, port, database_name, username, password_encrypted, ssl_mode, publication_name,
                                         slot_name, manage_publication, manage_slot)
                    values ('acc_1', 'src_00000000000000000000000001', 'source', 'localhost', 5432, 'db', 'user', 'x', 'disable', 'pub', 'slot', true, true)
                    on conflict do nothing
                    """);
            handle.execute("insert into source_state (source_id) values ('src_00000000000000000000000001') on conflict do nothing");
        });
    }

    private static void consumer(Handle handle, ConsumerId id)
    {
        handle.execute("""
                insert into consumers (account_id, id, name, source_id, kind, tables, actions, batch_size, visibility_timeout_seconds, max_ack_pending,
                                       max_deliver, start_position, status)
                values ('acc_1', ?, ?, 'src_00000000000000000000000001', 'pull', '[]', '{insert}', 10, 30, 1000, 3, '{}', 'active')
                """, id, id);
    }

    private long count(String sql)
    {
        return store.withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    private void append(ConsumerId consumerId, String... groupsAndValues)
    {
        List<NewMessage> batch = new ArrayList<>();
        int lsn = LSN.incrementAndGet();
        for (int i = 0; i < groupsAndValues.length; i += 2) {
            batch.add(new NewMessage(consumerId, "[" + groupsAndValues[i] + "]", "update", "public", "t",
                    "{\"id\": " + groupsAndValues[i] + ", \"v\": \"" + groupsAndValues[i + 1] + "\"}", Optional.empty(), Optional.empty(), lsn,
                    Instant.now(), i / 2));
        }
        store.useTransaction(handle -> StreamAppender.append(handle, SOURCE, batch, DeliveryCounters.of(store)));
    }

    private static List<String> values(List<MessageStore.Delivery> deliveries)
    {
        return deliveries.stream().map(delivery -> Json.read(delivery.message().recordJson(), JsonNode.class)
                .path("v").asText()).toList();
    }

    private List<MessageStore.Delivery> receive(ConsumerId consumerId, int max)
    {
        return messages.receive(consumerId, max, VISIBILITY, 3, 1000);
    }

    private void ack(ConsumerId consumerId, List<MessageStore.Delivery> deliveries)
    {
        Map<String, MessageStore.Outcome> outcomes = messages.ack(consumerId, deliveries.stream().map(MessageStore.Delivery::ackId).toList());
        assertThat(outcomes.values()).containsOnly(MessageStore.Outcome.OK);
    }

    @Test
    void aKeyWithAMessageInFlightDeliversNothingNewerWhileOtherKeysFlow()
    {
        migrated();
        store.useHandle(handle -> consumer(handle, CON_A));
        append(CON_A, "1", "a1", "2", "b1", "1", "a2", "3", "c1");
        append(CON_A, "1", "a3", "2", "b2");

        List<MessageStore.Delivery> first = receive(CON_A, 10);
        assertThat(values(first)).containsExactly("a1", "b1", "c1");
        assertThat(receive(CON_A, 10)).isEmpty();

        ack(CON_A, first.subList(0, 1));
        List<MessageStore.Delivery> second = receive(CON_A, 10);
        assertThat(values(second)).containsExactly("a2");
        ack(CON_A, first.subList(1, 3));
        ack(CON_A, second);
        assertThat(values(receive(CON_A, 10))).containsExactly("a3", "b2");
        assertThat(messages.counts(CON_A).backlog()).isEqualTo(2);
        assertThat(messages.counts(CON_A).inFlight()).isEqualTo(2);
    }

    @Test
    void countsOfStoredDeliveredAndAcknowledgedMessagesReachTheChartOnceFlushed()
    {
        migrated();
        store.useHandle(handle -> consumer(handle, CON_A));
        append(CON_A, "1", "a1", "2", "b1", "3", "c1");
        List<MessageStore.Delivery> delivered = receive(CON_A, 2);
        ack(CON_A, delivered.subList(0, 1));
        DeliveryCounters.of(store).flush();

        List<MessageStore.Minute> minutes = messages.throughput(CON_A, 2);
        assertThat(minutes.stream().mapToLong(MessageStore.Minute::stored).sum()).isEqualTo(3);
        assertThat(minutes.stream().mapToLong(MessageStore.Minute::delivered).sum()).isEqualTo(2);
        assertThat(minutes.stream().mapToLong(MessageStore.Minute::acked).sum()).isEqualTo(1);
        assertThat(messages.counts(CON_A).deliveredLastMinute()).isEqualTo(2);
    }

    @Test
    void aNackedMessageIsDueAtItsTimeNotAfterTheBacklog()
    {
        migrated();
        store.useHandle(handle -> consumer(handle, CON_A));
        append(CON_A, "1", "first");
        String[] backlog = IntStream.rangeClosed(2, 3001).mapToObj(i -> new String[] {Integer.toString(i), "m" + i}).flatMap(Arrays::stream)
                .toArray(String[]::new);
        append(CON_A, backlog);

        List<MessageStore.Delivery> head = receive(CON_A, 1);
        assertThat(values(head)).containsExactly("first");
        messages.nack(CON_A, List.of(head.get(0).ackId()), Duration.ZERO);
        // the retry comes with the very next receive, ahead of three thousand later messages of other keys
        List<MessageStore.Delivery> next = receive(CON_A, 5);
        assertThat(values(next).get(0)).isEqualTo("first");
        assertThat(next.get(0).message().deliverCount()).isEqualTo(2);
    }

    @Test
    void aMessageOutOfAttemptsIsDeadLetteredAndARedriveBringsItBackBeforeItsKeysLaterMessages()
    {
        migrated();
        store.useHandle(handle -> consumer(handle, CON_A));
        append(CON_A, "1", "poison", "1", "after");
        for (int attempt = 0; attempt < 3; attempt++) {
            List<MessageStore.Delivery> delivered = receive(CON_A, 10);
            assertThat(values(delivered)).containsExactly("poison");
            messages.nack(CON_A, List.of(delivered.get(0).ackId()), Duration.ZERO);
        }
        List<MessageStore.Delivery> after = receive(CON_A, 10);
        assertThat(values(after)).containsExactly("after");
        assertThat(messages.deadLetters(CON_A, 0, 10).items()).extracting(letter -> letter.reason()).containsExactly("not acknowledged after 3 deliveries");

        assertThat(messages.redrive(CON_A, Optional.empty())).isEqualTo(1);
        // "after" is in flight and stays so; once it is acknowledged the redriven message is the key's next
        ack(CON_A, after);
        List<MessageStore.Delivery> redriven = receive(CON_A, 10);
        assertThat(values(redriven)).containsExactly("poison");
        assertThat(redriven.get(0).message().deliverCount()).isEqualTo(1);
        append(CON_A, "1", "later");
        assertThat(receive(CON_A, 10)).isEmpty();
        ack(CON_A, redriven);
        assertThat(values(receive(CON_A, 10))).containsExactly("later");
    }

    @Test
    void aDeadLetterRedrivenAfterLaterMessagesWereAcknowledgedComesBackUnderItsOldNumberBeforeItsKeysNextMessage()
    {
        migrated();
        store.useHandle(handle -> consumer(handle, CON_A));
        append(CON_A, "1", "poison", "2", "b1");
        List<MessageStore.Delivery> first = receive(CON_A, 10);
        assertThat(values(first)).containsExactly("poison", "b1");
        long poisonSeq = first.get(0).message().seq();
        ack(CON_A, first.subList(1, 2));
        messages.nack(CON_A, List.of(first.get(0).ackId()), Duration.ZERO);
        for (int attempt = 1; attempt < 3; attempt++) {
            List<MessageStore.Delivery> again = receive(CON_A, 10);
            assertThat(values(again)).containsExactly("poison");
            messages.nack(CON_A, List.of(again.get(0).ackId()), Duration.ZERO);
        }
        assertThat(receive(CON_A, 10)).isEmpty();
        assertThat(messages.deadLetters(CON_A, 0, 10).items()).hasSize(1);
        // later messages of other keys go through, and the window's floor moves past the dead letter's number
        for (String value : List.of("b2", "c1")) {
            append(CON_A, "3", value);
            List<MessageStore.Delivery> later = receive(CON_A, 10);
            assertThat(values(later)).containsExactly(value);
            ack(CON_A, later);
        }
        assertThat(count("select floor_seq from stream_cursors")).isGreaterThan(poisonSeq);

        assertThat(messages.redrive(CON_A, Optional.empty())).isEqualTo(1);
        assertThat(messages.counts(CON_A).backlog()).isEqualTo(1);
        List<MessageStore.Delivery> redriven = receive(CON_A, 10);
        assertThat(values(redriven)).containsExactly("poison");
        assertThat(redriven.get(0).message().seq()).isEqualTo(poisonSeq);
        append(CON_A, "1", "next");
        assertThat(receive(CON_A, 10)).isEmpty();
        ack(CON_A, redriven);
        assertThat(values(receive(CON_A, 10))).containsExactly("next");
    }

    @Test
    void aRunCarriesAGroupsNextMessagesAndAFailureGivesBackTheRestInOrder()
    {
        migrated();
        store.useHandle(handle -> consumer(handle, CON_A));
        append(CON_A, "1", "a1", "1", "a2", "1", "a3", "2", "b1");
        List<MessageStore.Delivery> run = messages.receive(CON_A, 10, VISIBILITY, 3, 1000, 100, handle -> {});
        assertThat(values(run)).containsExactly("a1", "a2", "a3", "b1");
        ack(CON_A, run.subList(0, 1));
        messages.nack(CON_A, run.subList(1, 3).stream().map(MessageStore.Delivery::ackId).toList(), Duration.ZERO);
        ack(CON_A, run.subList(3, 4));
        assertThat(values(messages.receive(CON_A, 10, VISIBILITY, 3, 1000, 100, handle -> {}))).containsExactly("a2", "a3");
    }

    @Test
    void aRunWhoseAcksNeverLandedIsDeliveredAgainFromItsFirstMessageInOrder()
    {
        migrated();
        store.useHandle(handle -> consumer(handle, CON_A));
        append(CON_A, "1", "a1", "1", "a2", "1", "a3");
        List<MessageStore.Delivery> run = messages.receive(CON_A, 10, Duration.ofMillis(200), 3, 1000, 100, handle -> {});
        assertThat(values(run)).containsExactly("a1", "a2", "a3");

        // the worker sending it died: its visibility runs out, and the key goes out again from a1
        List<List<MessageStore.Delivery>> again = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> again.add(messages.receive(CON_A, 10, VISIBILITY, 3, 1000, 100, handle -> {}))
                && !again.get(again.size() - 1).isEmpty());
        assertThat(values(again.get(again.size() - 1))).containsExactly("a1", "a2", "a3");
        // the dead worker's acks, arriving late, take nothing
        Map<String, MessageStore.Outcome> late = messages.ack(CON_A, run.stream().map(MessageStore.Delivery::ackId).toList());
        assertThat(late.values()).doesNotContain(MessageStore.Outcome.OK);
        assertThat(messages.counts(CON_A).inFlight()).isEqualTo(3);
    }

    @Test
    void consumedGenerationsAreDroppedWholeAndAConsumerBehindKeepsItsOwn()
    {
        migrated();
        store.useHandle(handle -> {
            consumer(handle, CON_FAST);
            consumer(handle, CON_SLOW);
        });
        StreamRetention retention = new StreamRetention(store, 1, Duration.ofHours(1));
        append(CON_FAST, "1", "f1", "2", "f2");
        append(CON_SLOW, "1", "s1");
        assertThat(retention.run().opened()).contains(2);
        ack(CON_FAST, receive(CON_FAST, 10));
        append(CON_FAST, "3", "f3");

        assertThat(retention.run().dropped()).isEmpty();
        ack(CON_SLOW, receive(CON_SLOW, 10));
        StreamRetention.Result result = retention.run();
        assertThat(result.dropped()).containsExactly(1);
        assertThat(count("select count(*) from pg_class where relname = 'stream_log_1'"))
                .isZero();
        assertThat(values(receive(CON_FAST, 10))).containsExactly("f3");
    }

    @Test
    void deletingAConsumerEndsItsWindowWithoutTouchingTheLog()
    {
        migrated();
        store.useHandle(handle -> consumer(handle, CON_A));
        append(CON_A, "1", "a1", "2", "b1");
        receive(CON_A, 10);
        store.useHandle(handle -> handle.execute("delete from consumers where id = 'con_0000000000000000000000000a'"));
        assertThat(count("select count(*) from stream_pending")).isZero();
        assertThat(count("select count(*) from stream_cursors")).isZero();
        assertThat(count("select count(*) from stream_log")).isEqualTo(2);
    }

    @Test
    void anUpgradeFromTheFirstStoreDeliversEveryWaitingMessageOnceInOrder()
    {
        Store.migrate(postgres.dataSource("postgres"), "db/changelog/v1-master.yaml");
        Store old = new Store(postgres.dataSource("postgres"));
        old.useHandle(handle -> {
            handle.execute("insert into accounts (id, name) values ('acc_1', 'one')");
            handle.execute("""
                    insert into sources (account_id, id, name, host, port, database_name, username, password_encrypted, ssl_mode, publication_name,
                                         slot_name, manage_publication, manage_slot)
                    values ('acc_1', 'src_00000000000000000000000001', 'source', 'localhost', 5432, 'db', 'user', 'x', 'disable', 'pub', 'slot', true, true)
                    """);
            handle.execute("insert into source_state (source_id, checkpoint_lsn) values ('src_00000000000000000000000001', 1000)");
            consumer(handle, CON_A);
            // a backlog of three keys, interleaved, the way the first store kept it: messages, a head per group (one in flight)
            handle.execute("""
                    insert into messages (consumer_id, group_key, action, table_schema, table_name, record, commit_lsn, commit_timestamp, change_index,
                                          deliver_count, ack_id)
                    select 'con_0000000000000000000000000a', '[' || (g % 3) || ']', 'update', 'public', 't', json_build_object('id', g % 3, 'v', g), 100 + g, now(), 0,
                           case when g = 1 then 1 else 0 end, case when g = 1 then '1-1-abc' end
                    from generate_series(1, 30) g
                    """);
            handle.execute("""
                    insert into group_heads (consumer_id, group_key, head_seq, visible_at, in_flight)
                    select consumer_id, group_key, min(seq), now() + interval '1 hour', bool_or(deliver_count > 0) from messages group by consumer_id, group_key
                    """);
            handle.execute("""
                    insert into dead_letters (consumer_id, seq, group_key, action, table_schema, table_name, record, commit_lsn, commit_timestamp,
                                              change_index, deliver_count, reason)
                    values ('con_0000000000000000000000000a', 0, '[9]', 'update', 'public', 't', '{"id": 9, "v": "dead"}', 50, now(), 0, 5, 'poison')
                    """);
        });

        migrated();
        Map<String, List<Integer>> perKey = new LinkedHashMap<>();
        while (true) {
            List<MessageStore.Delivery> batch = receive(CON_A, 100);
            if (batch.isEmpty()) {
                break;
            }
            batch.forEach(delivery -> perKey.computeIfAbsent(delivery.message().groupKey(), key -> new ArrayList<>()).add(Integer.parseInt(values(List.of(delivery)).get(0))));
            ack(CON_A, batch);
        }
        assertThat(perKey.get("[1]")).containsExactlyElementsOf(IntStream.rangeClosed(0, 9).map(i -> 1 + 3 * i).boxed().toList());
        assertThat(perKey.get("[2]")).containsExactlyElementsOf(IntStream.rangeClosed(0, 9).map(i -> 2 + 3 * i).boxed().toList());
        assertThat(perKey.get("[0]")).containsExactlyElementsOf(IntStream.rangeClosed(1, 10).map(i -> 3 * i).boxed().toList());
        assertThat(messages.counts(CON_A).backlog()).isZero();
        assertThat(messages.counts(CON_A).deadLetters()).isEqualTo(1);

        // new messages come after every old number; the old dead letter can still be redriven
        append(CON_A, "1", "new");
        assertThat(messages.redrive(CON_A, Optional.empty())).isEqualTo(1);
        List<MessageStore.Delivery> after = receive(CON_A, 10);
        assertThat(values(after)).containsExactly("dead", "new");
        assertThat(after.get(0).message().seq()).isLessThan(after.get(1).message().seq());
    }
}
