package dev.sluice.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LsnTest
{
    @Test
    void parsesAndPrintsPostgresTextForm()
    {
        Lsn lsn = Lsn.parse("16/B374D848");

        assertThat(lsn.asLong()).isEqualTo(0x16B374D848L);
        assertThat(lsn).hasToString("16/B374D848");
        assertThat(Lsn.valueOf(0x16B374D848L)).isEqualTo(lsn).hasSameHashCodeAs(lsn);
    }

    @Test
    void acceptsLowerCaseAndPrintsUpperCase()
    {
        assertThat(Lsn.parse("0/1a2b3c")).hasToString("0/1A2B3C");
    }

    @Test
    void zeroIsInvalid()
    {
        assertThat(Lsn.valueOf(0)).isSameAs(Lsn.INVALID);
        assertThat(Lsn.parse("0/0")).isSameAs(Lsn.INVALID);
        assertThat(Lsn.INVALID.isValid()).isFalse();
        assertThat(Lsn.INVALID).hasToString("0/0");
        assertThat(Lsn.valueOf(1).isValid()).isTrue();
    }

    @Test
    void largestValueRoundTrips()
    {
        Lsn largest = Lsn.parse("FFFFFFFF/FFFFFFFF");

        assertThat(largest.asLong()).isEqualTo(-1L);
        assertThat(largest).hasToString("FFFFFFFF/FFFFFFFF");
    }

    @Test
    void ordersAsUnsigned()
    {
        Lsn small = Lsn.parse("0/10");
        Lsn middle = Lsn.parse("7FFFFFFF/FFFFFFFF");
        Lsn large = Lsn.parse("80000000/0");
        List<Lsn> lsns = new ArrayList<>(List.of(large, small, middle));

        lsns.sort(null);

        assertThat(lsns).containsExactly(small, middle, large);
        assertThat(large.isAfter(middle)).isTrue();
        assertThat(small.isBefore(middle)).isTrue();
        assertThat(small.compareTo(Lsn.parse("0/10"))).isZero();
    }

    @Test
    void rejectsMalformedText()
    {
        for (String text : List.of("", "/", "16", "16/", "/B374D848", "G/0", "0/-1", "1/2/3", "123456789/0", "0/123456789")) {
            assertThatThrownBy(() -> Lsn.parse(text))
                    .as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a log sequence number");
        }
    }
}
