package dev.sluice.core.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresTextTest
{
    @ParameterizedTest
    @CsvSource({
            "0.1,                     0.1",
            "2.5,                     2.5",
            "100.0,                   100",
            "1e15,                    1e+15",
            "123456789012345.0,       123456789012345",
            "0.0001,                  0.0001",
            "0.00001,                 1e-05",
            "-1.5e-7,                 -1.5e-07",
            "1e100,                   1e+100",
            "4.9e-324,                5e-324",
            "1.7976931348623157e308,  1.7976931348623157e+308",
            "0.30000000000000004,     0.30000000000000004",
            "-0.0,                    -0",
            "NaN,                     NaN",
            "Infinity,                Infinity",
            "-Infinity,               -Infinity",
    })
    void formatsDoublesAsFloat8Out(double value, String expected)
    {
        assertThat(PostgresText.formatDouble(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"t", "true", "TRUE", " tr ", "y", "yes", "on", "1"})
    void readsTrue(String text)
    {
        assertThat(PostgresText.parseBoolean(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"f", "false", "fa", "n", "no", "off", "of", "0"})
    void readsFalse(String text)
    {
        assertThat(PostgresText.parseBoolean(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "o", "truee", "2", "yess", "nope"})
    void refusesOtherBooleans(String text)
    {
        assertThatThrownBy(() -> PostgresText.parseBoolean(text))
                .isInstanceOf(FilterEvaluationException.class)
                .hasMessageContaining("invalid input syntax for type boolean");
    }

    @Test
    void readsIsoDatesAndTimes()
    {
        assertThat(PostgresText.parseTimestampWithTimeZone("2024-01-31 10:00:00.5+02"))
                .isEqualTo(OffsetDateTime.of(2024, 1, 31, 10, 0, 0, 500_000_000, ZoneOffset.ofHours(2)));
        assertThat(PostgresText.parseTimestampWithTimeZone("2024-01-31T10:00Z").toInstant())
                .isEqualTo(OffsetDateTime.of(2024, 1, 31, 10, 0, 0, 0, ZoneOffset.UTC).toInstant());
        assertThat(PostgresText.parseTimestampWithTimeZone("2024-01-31 10:00 +05:30").getOffset()).isEqualTo(ZoneOffset.ofHoursMinutes(5, 30));
        assertThat(PostgresText.parseTimestampWithTimeZone("2024-01-31").getOffset()).as("the session time zone is UTC").isEqualTo(ZoneOffset.UTC);
        assertThat(PostgresText.parseTimestampWithTimeZone("infinity")).isEqualTo(OffsetDateTime.MAX);
        assertThat(PostgresText.parseTimestamp("2024-01-31 23:59:60")).isEqualTo(LocalDateTime.of(2024, 2, 1, 0, 0));
        assertThat(PostgresText.parseTimestamp("2024-01-31 10:00+09")).isEqualTo(LocalDateTime.of(2024, 1, 31, 10, 0));
        assertThat(PostgresText.parseDate("2024-1-5")).isEqualTo(LocalDate.of(2024, 1, 5));
        assertThat(PostgresText.parseDate("0001-01-01 BC")).isEqualTo(LocalDate.of(0, 1, 1));
    }

    @Test
    void printsDatesAndTimesInIsoStyleAndUtc()
    {
        assertThat(PostgresText.formatTimestampWithTimeZone(OffsetDateTime.of(2024, 1, 31, 10, 0, 0, 120_000_000, ZoneOffset.ofHours(2))))
                .isEqualTo("2024-01-31 08:00:00.12+00");
        assertThat(PostgresText.formatTimestamp(LocalDateTime.of(99, 1, 2, 3, 4, 5))).isEqualTo("0099-01-02 03:04:05");
        assertThat(PostgresText.formatDate(LocalDate.of(-43, 3, 15))).isEqualTo("0044-03-15 BC");
        assertThat(PostgresText.formatDate(LocalDate.MIN)).isEqualTo("-infinity");
    }

    @Test
    void readsNumbersAsPostgresInputFunctions()
    {
        assertThat(PostgresText.parseNumeric(" 1.50 ")).isEqualTo(new BigDecimal("1.50"));
        assertThat(PostgresText.parseNumeric("1e3")).isEqualTo(new BigDecimal("1000"));
        assertThat(PostgresText.parseNumeric("NaN")).isEqualTo(Double.NaN);
        assertThat(PostgresText.parseDouble("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(PostgresText.parseInteger("-2147483648", false)).isEqualTo(Integer.MIN_VALUE);
        assertThatThrownBy(() -> PostgresText.parseInteger("2147483648", false))
                .hasMessage("value \"2147483648\" is out of range for type integer");
        assertThatThrownBy(() -> PostgresText.parseDouble("0x10"))
                .hasMessageContaining("invalid input syntax for type double precision");
    }

    @Test
    void choosesTheNumericDivisionScaleAsPostgres()
    {
        assertThat(NumericArithmetic.divisionScale(new BigDecimal("1"), new BigDecimal("3.0"))).isEqualTo(20);
        assertThat(NumericArithmetic.divisionScale(new BigDecimal("10"), new BigDecimal("4.0"))).isEqualTo(16);
        assertThat(NumericArithmetic.divisionScale(new BigDecimal("0.000123"), new BigDecimal("7"))).isEqualTo(24);
        assertThat(NumericArithmetic.divisionScale(new BigDecimal("12345678"), new BigDecimal("0.0001"))).isEqualTo(8);
    }
}
