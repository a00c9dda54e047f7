package dev.sluice.data.extract.replication;

import dev.sluice.core.Lsn;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamOptionsTest
{
    @Test
    void defaultsToProtocolOneWithoutStreaming()
    {
        StreamOptions options = StreamOptions.of("sluice_slot", "sluice_publication", Lsn.INVALID);

        assertThat(options.protocolVersion()).isEqualTo(1);
        assertThat(options.streamInProgressTransactions()).isFalse();
        assertThat(options.publicationNames()).containsExactly("sluice_publication");
    }

    @Test
    void refusesNamesThatWouldNeedQuotingInReplicationCommands()
    {
        for (String name : List.of("", "Upper", "has space", "quote'", "semi;colon", "1starts_with_digit", "x".repeat(64))) {
            assertThatThrownBy(() -> StreamOptions.of(name, "publication", Lsn.INVALID))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("slot name");
            assertThatThrownBy(() -> StreamOptions.of("slot", name, Lsn.INVALID))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("publication name");
        }
    }

    @Test
    void streamingInProgressTransactionsNeedsProtocolTwo()
    {
        assertThatThrownBy(() -> new StreamOptions("slot", List.of("publication"), Lsn.INVALID, 1, true, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("protocol version 2");
        assertThat(new StreamOptions("slot", List.of("publication"), Lsn.INVALID, 2, true, Duration.ofSeconds(10)).streamInProgressTransactions()).isTrue();
    }

    @Test
    void quotesTableNames()
    {
        assertThat(new TableName("public", "Orders \"2024\"").quoted()).isEqualTo("\"public\".\"Orders \"\"2024\"\"\"");
    }
}
