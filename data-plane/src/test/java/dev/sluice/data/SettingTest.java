package dev.sluice.data;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingTest
{
    @Test
    void aValueOutsideItsRangeIsAProblemNamingTheSettingAndTheValue()
    {
        Setting<Integer> setting = Setting.count("dataPlane.batchMessages", 10, 1, 100, "Changes per batch.");
        assertThat(setting.problem(0)).contains("dataPlane.batchMessages (0) must be from 1 to 100");
        assertThat(setting.problem(101)).contains("dataPlane.batchMessages (101) must be from 1 to 100");
        assertThat(setting.problem(100)).isEmpty();
        assertThatThrownBy(() -> setting.check(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("dataPlane.batchMessages (0) must be from 1 to 100");
    }

    @Test
    void aDurationIsShownAsTheConfigurationFileWritesIt()
    {
        Setting<Duration> setting = Setting.positiveDuration("dataPlane.pushTimeout", Duration.ofMinutes(10), "How long a target may take.");
        assertThat(setting.documentedDefault()).isEqualTo("`10m`");
        assertThat(setting.problem(Duration.ZERO)).contains("dataPlane.pushTimeout (0ms) must be above zero");
        assertThat(Setting.durationText(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Setting.durationText(Duration.ofSeconds(90))).isEqualTo("90s");
    }

    @Test
    void onlyASettingWithoutADefaultMayBeLeftUnset()
    {
        assertThat(Setting.optionalPositiveDuration("dataPlane.lockTimeout", "⅓ of `leaseTtl`", "The lock timeout.").problem(null)).isEmpty();
        assertThat(Setting.duration("dataPlane.batchDelay", Duration.ofMillis(5), "The batch delay.").problem(null)).contains("dataPlane.batchDelay must be set");
    }

    @Test
    void aDefaultThatBreaksItsOwnRuleIsRefused()
    {
        assertThatThrownBy(() -> Setting.count("dataPlane.pushConcurrency", 0, 1, 1000, "Requests in flight."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataPlane.pushConcurrency");
    }
}
