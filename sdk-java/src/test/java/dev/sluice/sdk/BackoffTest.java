package dev.sluice.sdk;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest
{
    @Test
    void doublesFromTheInitialDelayUpToTheMaximum()
    {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

        assertThat(backoff.delaySeconds(1)).isEqualTo(1);
        assertThat(backoff.delaySeconds(2)).isEqualTo(2);
        assertThat(backoff.delaySeconds(3)).isEqualTo(4);
        assertThat(backoff.delaySeconds(6)).isEqualTo(32);
        assertThat(backoff.delaySeconds(7)).isEqualTo(60);
        assertThat(backoff.delaySeconds(1000)).isEqualTo(60);
    }

    @Test
    void defaultsToOneSecondUpToFiveMinutes()
    {
        assertThat(Backoff.DEFAULT.delaySeconds(1)).isEqualTo(1);
        assertThat(Backoff.DEFAULT.delaySeconds(Integer.MAX_VALUE)).isEqualTo(300);
    }

    @Test
    void aZeroInitialDelayRetriesAtOnce()
    {
        assertThat(new Backoff(Duration.ZERO, Duration.ofSeconds(10)).delaySeconds(5)).isZero();
    }

    @Test
    void refusesSettingsTheNackApiCannotTake()
    {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(-1), Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofHours(13))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.DEFAULT.delaySeconds(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
