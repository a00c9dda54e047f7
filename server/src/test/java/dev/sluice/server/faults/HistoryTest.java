package dev.sluice.server.faults;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryTest
{
    @Test
    void aCompleteHistoryWithRedeliveriesIsClean()
    {
        History history = new History(true);
        history.delivered("t:1", "m1", "insert", 1);
        history.delivered("t:1", "m1", "insert", 1);
        history.acknowledged("t:1", "m1");
        history.delivered("t:1", "m2", "update", 2);
        history.acknowledged("t:1", "m2");
        history.delivered("t:1", "m3", "delete", 2);
        history.acknowledged("t:1", "m3");
        history.delivered("t:2", "m4", "insert", 1);
        history.acknowledged("t:2", "m4");

        History.Result result = history.check(Map.of("t:1", History.Committed.deleted(), "t:2", History.Committed.present(1)));

        assertThat(result.clean()).as(result.examples().toString()).isTrue();
        assertThat(result.keys()).isEqualTo(2);
        assertThat(result.messagesChecked()).isEqualTo(4);
        assertThat(result.redeliveries()).isEqualTo(1);
    }

    @Test
    void aCommittedChangeNeverAcknowledgedIsLost()
    {
        History history = new History(true);
        history.delivered("t:1", "m1", "insert", 1);
        history.acknowledged("t:1", "m1");
        history.delivered("t:1", "m3", "update", 3);
        history.acknowledged("t:1", "m3");
        history.delivered("t:2", "m4", "insert", 1);

        History.Result result = history.check(Map.of("t:1", History.Committed.present(3), "t:2", History.Committed.present(1), "t:3", History.Committed.deleted()));

        // version 2 of t:1 never came, t:2's insert was never acknowledged, t:3's insert and delete never came
        assertThat(result.lost()).isEqualTo(3);
        assertThat(result.outOfOrder()).isZero();
        assertThat(result.examples()).hasSize(3);
    }

    @Test
    void aMessageAfterALaterOneOfItsKeyIsOutOfOrder()
    {
        History history = new History(true);
        history.delivered("t:1", "m2", "update", 2);
        history.delivered("t:1", "m1", "insert", 1);
        history.acknowledged("t:1", "m1");
        history.acknowledged("t:1", "m2");

        assertThat(history.check(Map.of("t:1", History.Committed.present(2))).outOfOrder()).isEqualTo(1);
    }

    @Test
    void anEarlierMessageHandedOutAgainAfterALaterOneIsOutOfOrder()
    {
        History history = new History(false);
        history.delivered("t:1", "m1", "insert", 1);
        history.delivered("t:1", "m2", "update", 2);
        history.delivered("t:1", "m1", "insert", 1);
        history.acknowledged("t:1", "m1");
        history.acknowledged("t:1", "m2");

        assertThat(history.check(Map.of("t:1", History.Committed.present(2))).outOfOrder()).isEqualTo(1);
    }

    @Test
    void aWebhookKeyReplayedInOrderFromAnEarlierMessageIsClean()
    {
        History history = new History(false);
        for (String id : List.of("m1", "m2", "m3", "m2", "m3", "m1", "m2", "m3", "m4")) {
            history.delivered("t:1", id, id.equals("m1") ? "insert" : "update", Long.parseLong(id.substring(1)));
            history.acknowledged("t:1", id);
        }

        History.Result result = history.check(Map.of("t:1", History.Committed.present(4)));

        assertThat(result.clean()).as(result.examples().toString()).isTrue();
        assertThat(result.redeliveries()).isEqualTo(5);
    }

    @Test
    void aWebhookReplayThatSkipsAMessageOrStopsShortIsOutOfOrder()
    {
        History skipping = new History(false);
        History cutShort = new History(false);
        for (String id : List.of("m1", "m2", "m3", "m1", "m3")) {
            skipping.delivered("t:1", id, id.equals("m1") ? "insert" : "update", Long.parseLong(id.substring(1)));
            skipping.acknowledged("t:1", id);
        }
        for (String id : List.of("m1", "m2", "m3", "m2", "m4")) {
            cutShort.delivered("t:1", id, id.equals("m1") ? "insert" : "update", Long.parseLong(id.substring(1)));
            cutShort.acknowledged("t:1", id);
        }

        assertThat(skipping.check(Map.of("t:1", History.Committed.present(3))).outOfOrder()).isEqualTo(1);
        assertThat(cutShort.check(Map.of("t:1", History.Committed.present(4))).outOfOrder()).isEqualTo(1);
    }

    @Test
    void theSameChangeUnderTwoIdsOrAnAcknowledgedMessageAgainIsADuplicate()
    {
        History history = new History(true);
        history.delivered("t:1", "m1", "insert", 1);
        history.acknowledged("t:1", "m1");
        history.delivered("t:1", "m1", "insert", 1);
        history.delivered("t:1", "m9", "insert", 1);

        History.Result result = history.check(Map.of("t:1", History.Committed.present(1)));

        assertThat(result.duplicates()).isEqualTo(2);
        assertThat(result.lost()).isZero();
    }

    @Test
    void aWebhookRedeliveryAfterA2xxIsARedelivery()
    {
        History history = new History(false);
        history.delivered("t:1", "m1", "insert", 1);
        history.acknowledged("t:1", "m1");
        history.delivered("t:1", "m1", "insert", 1);
        history.acknowledged("t:1", "m1");

        History.Result result = history.check(Map.of("t:1", History.Committed.present(1)));

        assertThat(result.clean()).isTrue();
        assertThat(result.redeliveries()).isEqualTo(1);
    }

    @Test
    void aChangeTheSourceNeverCommittedIsUnexpected()
    {
        History history = new History(true);
        history.delivered("t:1", "m1", "insert", 1);
        history.acknowledged("t:1", "m1");
        history.delivered("t:1", "m2", "delete", 1);
        history.acknowledged("t:1", "m2");

        assertThat(history.check(Map.of("t:1", History.Committed.present(1))).unexpected()).isEqualTo(1);
    }
}
