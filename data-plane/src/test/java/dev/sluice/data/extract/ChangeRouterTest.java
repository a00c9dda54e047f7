package dev.sluice.data.extract;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Lsn;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.Consumer.FilterTransitions;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.stream.NewMessage;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeRouterTest
{
    private final ChangeRouter router = new ChangeRouter((schema, table) -> List.of("id"));

    @Test
    void primaryKeyChangeEndsTheOldKeyWithADeleteWhenTheOldRowMatchedAndTheNewOneDoesNot()
    {
        // update t set id = 1105, status = 'void' where id = 105, with status = 'paid' and REPLICA IDENTITY FULL
        Change change = update(row(1105, "void"), Optional.of(row(105, "paid")));

        List<NewMessage> messages = router.route(List.of(change), List.of(consumer("status = 'paid'", FilterTransitions.NONE)));

        assertThat(messages).extracting(NewMessage::action, NewMessage::groupKey, NewMessage::recordJson)
                .containsExactly(Tuple.tuple("delete", "[105]", "{\"id\":105,\"status\":\"paid\"}"));
    }

    @Test
    void primaryKeyChangeWithOnlyTheOldKeyLeavesTheUnknownColumnsOutOfTheDelete()
    {
        ObjectNode oldKey = JsonNodeFactory.instance.objectNode().put("id", 3).putNull("status");
        Change change = new Change(Lsn.valueOf(100), Instant.EPOCH, 0, "public", "t", "update", json(4, "paid"), Optional.empty(), List.of(),
                map(4, "paid"), Optional.of(oldKey));

        List<NewMessage> messages = router.route(List.of(change), List.of(consumer("status = 'paid'", FilterTransitions.NONE)));

        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).action()).isEqualTo("delete");
        assertThat(messages.get(0).recordJson()).isEqualTo("{\"id\":3}");
        assertThat(messages.get(0).unchangedColumnsJson()).contains("[\"status\"]");
        assertThat(messages.get(1).action()).isEqualTo("update");
        assertThat(messages.get(1).recordJson()).isEqualTo("{\"id\":4,\"status\":\"paid\"}");
    }

    @Test
    void rowsLeavingAndEnteringTheFilterArriveAsDeleteAndInsertWhenTheConsumerAsks()
    {
        Consumer follower = consumer("status = 'paid'", FilterTransitions.DELETE_INSERT);
        Consumer plain = consumer("status = 'paid'", FilterTransitions.NONE);
        Change leaving = update(row(7, "void"), Optional.of(row(7, "paid")));
        Change entering = update(row(8, "paid"), Optional.of(row(8, "new")));
        Change staying = update(row(9, "paid"), Optional.of(row(9, "paid")));

        assertThat(router.route(List.of(leaving, entering, staying), List.of(follower)))
                .extracting(NewMessage::action, NewMessage::recordJson)
                .containsExactly(
                        Tuple.tuple("delete", "{\"id\":7,\"status\":\"paid\"}"),
                        Tuple.tuple("insert", "{\"id\":8,\"status\":\"paid\"}"),
                        Tuple.tuple("update", "{\"id\":9,\"status\":\"paid\"}"));
        assertThat(router.route(List.of(leaving, entering, staying), List.of(plain)))
                .extracting(NewMessage::action)
                .containsExactly("update", "update");
    }

    @Test
    void withoutTheOldRowTheNewRowAloneDecides()
    {
        Change entering = update(row(8, "paid"), Optional.empty());

        assertThat(router.route(List.of(entering), List.of(consumer("status = 'paid'", FilterTransitions.DELETE_INSERT))))
                .extracting(NewMessage::action)
                .containsExactly("update");
    }

    @Test
    void anUpdateWithoutAnUnchangedToastValueTheFilterReadsIsDeliveredRatherThanDropped()
    {
        Map<String, Object> withoutNote = map(5, "paid");
        Change change = new Change(Lsn.valueOf(100), Instant.EPOCH, 0, "public", "t", "update", json(5, "paid"), Optional.empty(), List.of("note"),
                withoutNote, Optional.empty());

        assertThat(router.route(List.of(change), List.of(consumer("note LIKE '%x%'", FilterTransitions.NONE))))
                .extracting(NewMessage::action, NewMessage::unchangedColumnsJson)
                .containsExactly(Tuple.tuple("update", Optional.of("[\"note\"]")));
    }

    @Test
    void aRowTheFilterCannotEvaluateBecomesADeadLetterWithTheReason()
    {
        Change change = new Change(Lsn.valueOf(100), Instant.EPOCH, 0, "public", "t", "insert", json(1, "abc"), Optional.empty(), List.of(),
                map(1, "abc"), Optional.empty());

        RoutedChanges routed = router.routeAll(List.of(change), List.of(consumer("status::int > 0", FilterTransitions.NONE)));

        assertThat(routed.messages()).isEmpty();
        assertThat(routed.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.consumerId()).isEqualTo(new ConsumerId("con_00000000000000000000000001"));
            assertThat(failure.message().action()).isEqualTo("insert");
            assertThat(failure.message().groupKey()).isEqualTo("[1]");
            assertThat(failure.reason()).isEqualTo("filter failed: invalid input syntax for type integer: \"abc\"");
        });
    }

    private static Change update(Row newRow, Optional<Row> oldRow)
    {
        return new Change(Lsn.valueOf(100), Instant.EPOCH, 0, "public", "t", "update", json(newRow.id(), newRow.status()), Optional.empty(), List.of(),
                map(newRow.id(), newRow.status()), oldRow.map(old -> json(old.id(), old.status())), oldRow.map(old -> map(old.id(), old.status())));
    }

    private record Row(long id, String status) {}

    private static Row row(long id, String status)
    {
        return new Row(id, status);
    }

    private static ObjectNode json(long id, String status)
    {
        return JsonNodeFactory.instance.objectNode().put("id", id).put("status", status);
    }

    private static Map<String, Object> map(long id, String status)
    {
        Map<String, Object> values = new HashMap<>();
        values.put("id", id);
        values.put("status", status);
        return values;
    }

    private static Consumer consumer(String filter, FilterTransitions transitions)
    {
        return new Consumer(AccountId.generate(), new ConsumerId("con_00000000000000000000000001"), "c", new SourceId("src_00000000000000000000000001"), Consumer.Kind.PULL, List.of(new TableSelection("public", "t", List.of())),
                List.of("insert", "update", "delete"), Optional.of(filter), Optional.empty(), Optional.empty(), Optional.empty(), 1, 30, 1000, 10,
                StartPosition.now(), 0, true, Instant.EPOCH, Instant.EPOCH, transitions);
    }
}
