package dev.sluice.data.backfill;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamedTransactionsTest
{
    @Test
    void aSnapshotMustSeeEveryStreamedTransaction()
    {
        StreamedTransactions streamed = new StreamedTransactions(8);
        streamed.add(100);
        streamed.add(101);
        assertThat(streamed.allVisible(102, List.of())).isTrue();
        assertThat(streamed.allVisible(102, List.of(99L, 103L))).as("other transactions in progress do not matter").isTrue();
        assertThat(streamed.allVisible(102, List.of(101L))).as("a streamed transaction still in progress").isFalse();
        assertThat(streamed.allVisible(101, List.of())).as("a streamed transaction at the snapshot's xmax").isFalse();
    }

    @Test
    void idsWithAnEpochAndAroundWraparoundCompareAsPostgresDoes()
    {
        StreamedTransactions streamed = new StreamedTransactions(8);
        long epoch = 3L << 32;
        streamed.add(0xFFFFFFF0L);
        assertThat(streamed.allVisible(epoch + 0xFFFFFFF1L, List.of())).isTrue();
        assertThat(streamed.allVisible(epoch + 0xFFFFFFF0L, List.of())).isFalse();
        assertThat(streamed.allVisible(epoch + 0xFFFFFFF0L - 1, List.of())).isFalse();
        // after wraparound, 5 follows 0xFFFFFFF0
        assertThat(streamed.allVisible((4L << 32) + 5, List.of())).isTrue();
        assertThat(streamed.allVisible(epoch + 0xFFFFFFF5L, List.of(epoch + 0xFFFFFFF0L))).isFalse();
    }

    @Test
    void theOldestAreForgottenFirst()
    {
        StreamedTransactions streamed = new StreamedTransactions(3);
        for (long xid = 10; xid <= 14; xid++) {
            streamed.add(xid);
        }
        assertThat(streamed.allVisible(20, List.of(10L, 11L))).as("forgotten").isTrue();
        assertThat(streamed.allVisible(20, List.of(12L))).isFalse();
        assertThat(streamed.allVisible(14, List.of())).as("14 is remembered").isFalse();
        assertThat(streamed.allVisible(12, List.of())).isFalse();
    }
}
