package dev.sluice.data.deliver;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.stream.MessageStore;
import dev.sluice.stream.MessageTransforms;
import dev.sluice.stream.StoredMessage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PushRunsTest
{
    private static long seq;

    @Test
    void aHotKeysMessagesGoInOrderInFullBatchesOfARunOfTheirOwn()
    {
        List<MessageTransforms.Transformed> received = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            received.add(message("hot", "h" + i));
        }
        received.add(message("a", "a1"));

        List<List<List<MessageTransforms.Transformed>>> runs = PushDeliverer.runs(received, 2, 16);

        // the hot key fills a run of its own (one sender, in order); the other key goes beside it
        assertThat(runs).hasSize(2);
        assertThat(texts(runs.get(0))).containsExactly(List.of("h1", "h2"), List.of("h3", "h4"), List.of("h5"));
        assertThat(texts(runs.get(1))).containsExactly(List.of("a1"));
    }

    @Test
    void groupsShorterThanABatchShareOneAndNoGroupIsSplitAcrossRuns()
    {
        List<MessageTransforms.Transformed> received = List.of(message("a", "a1"), message("b", "b1"), message("c", "c1"), message("a", "a2"),
                message("d", "d1"));

        List<List<List<MessageTransforms.Transformed>>> runs = PushDeliverer.runs(received, 2, 16);

        // a's two messages fill the first run's batch; b and c the next; d alone
        assertThat(runs).hasSize(3);
        assertThat(texts(runs.get(0))).containsExactly(List.of("a1", "a2"));
        assertThat(texts(runs.get(1))).containsExactly(List.of("b1", "c1"));
        assertThat(texts(runs.get(2))).containsExactly(List.of("d1"));
    }

    @Test
    void withOneMessageARequestEachKeyIsARunOfItsOwn()
    {
        List<MessageTransforms.Transformed> received = List.of(message("a", "a1"), message("b", "b1"), message("a", "a2"));

        List<List<List<MessageTransforms.Transformed>>> runs = PushDeliverer.runs(received, 1, 16);

        assertThat(runs).hasSize(2);
        assertThat(texts(runs.get(0))).containsExactly(List.of("a1"), List.of("a2"));
        assertThat(texts(runs.get(1))).containsExactly(List.of("b1"));
    }

    @Test
    void withMoreKeysThanFreeSendersEachSenderDeliversSeveralKeysOneAfterAnother()
    {
        List<MessageTransforms.Transformed> received = new ArrayList<>();
        for (String key : List.of("a", "b", "c", "d", "e", "f", "g")) {
            received.add(message(key, key + "1"));
        }
        received.add(message("a", "a2"));

        List<List<List<MessageTransforms.Transformed>>> runs = PushDeliverer.runs(received, 1, 2);

        // eight messages for two free senders: a run each of about half, whole keys, one message a request in order
        assertThat(runs).hasSize(2);
        assertThat(texts(runs.get(0))).containsExactly(List.of("a1"), List.of("a2"), List.of("b1"), List.of("c1"));
        assertThat(texts(runs.get(1))).containsExactly(List.of("d1"), List.of("e1"), List.of("f1"), List.of("g1"));
    }

    @Test
    void aKeyBeingDeliveredAgainIsARunOfItsOwn()
    {
        List<MessageTransforms.Transformed> received = List.of(message("a", "a1"), message("retried", "r1", 3), message("b", "b1"),
                message("retried", "r2", 1));

        List<List<List<MessageTransforms.Transformed>>> runs = PushDeliverer.runs(received, 1, 1);

        // one free sender would take every key in one run; a key that failed before goes alone, so if it fails again no other
        // key waits behind it
        assertThat(runs).hasSize(2);
        assertThat(texts(runs.get(0))).containsExactly(List.of("r1"), List.of("r2"));
        assertThat(texts(runs.get(1))).containsExactly(List.of("a1"), List.of("b1"));
    }

    private static List<List<String>> texts(List<List<MessageTransforms.Transformed>> run)
    {
        return run.stream().map(batch -> batch.stream().map(delivery -> delivery.delivery().message().recordJson()).toList()).toList();
    }

    private static MessageTransforms.Transformed message(String group, String text)
    {
        return message(group, text, 1);
    }

    private static MessageTransforms.Transformed message(String group, String text, int deliverCount)
    {
        seq++;
        StoredMessage message = new StoredMessage(new ConsumerId("con_00000000000000000000000001"), seq, group, "update", "public", "t", text, Optional.empty(), Optional.empty(), 1, Instant.EPOCH,
                (int) seq, deliverCount);
        return new MessageTransforms.Transformed(new MessageStore.Delivery(message, seq + "-1-n"), Optional.empty());
    }
}
