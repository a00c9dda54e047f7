package dev.sluice.data.extract.pgoutput;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgTemporalTest
{
    private static final DateTimeFormatter POSTGRES = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    @Test
    void theCommonShapeReadsAsTheGeneralParserReadsIt()
    {
        Random random = new Random(20261203);
        for (int i = 0; i < 20_000; i++) {
            LocalDateTime local = LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24),
                    random.nextInt(60), random.nextInt(60));
            String fraction = random.nextBoolean() ? "" : "." + Integer.toString(random.nextInt(1_000_000) + 1_000_000).substring(1, 1 + 1 + random.nextInt(6));
            int offsetMinutes = (random.nextInt(29) - 14) * 60 + (random.nextBoolean() ? 0 : 30);
            String offset = (offsetMinutes < 0 ? "-" : "+") + String.format("%02d", Math.abs(offsetMinutes) / 60)
                    + (offsetMinutes % 60 == 0 ? "" : String.format(":%02d", Math.abs(offsetMinutes) % 60));
            String text = POSTGRES.format(local) + fraction + offset;

            OffsetDateTime parsed = PgTemporal.parseTimestampWithTimeZone(text);
            int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction.substring(1) + "000000000").substring(0, 9));
            assertThat(parsed).as(text).isEqualTo(OffsetDateTime.of(local.withNano(nanos), ZoneOffset.ofTotalSeconds(offsetMinutes * 60)));
            assertThat(PgTemporal.parseTimestamp(POSTGRES.format(local) + fraction)).isEqualTo(local.withNano(nanos));

            LocalDateTime utc = parsed.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            assertThat(PgTemporal.iso(utc, true)).as(text).isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(utc.atOffset(ZoneOffset.UTC)));
            assertThat(PgTemporal.iso(utc, false)).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(utc));
        }
    }

    @Test
    void otherShapesStillReadOrFailAsBefore()
    {
        assertThat(PgTemporal.parseTimestampWithTimeZone("0044-03-15 12:00:00+00 BC")).isEqualTo(OffsetDateTime.of(-43, 3, 15, 12, 0, 0, 0, ZoneOffset.UTC));
        assertThat(PgTemporal.parseTimestampWithTimeZone("12024-01-02 03:04:05.5+00")).isEqualTo(OffsetDateTime.of(12024, 1, 2, 3, 4, 5, 500_000_000, ZoneOffset.UTC));
        assertThat(PgTemporal.parseTimestampWithTimeZone("1850-01-01 00:00:00+00:53:28"))
                .isEqualTo(OffsetDateTime.of(1850, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(0, 53, 28)));
        assertThat(PgTemporal.iso(LocalDateTime.of(12024, 1, 2, 3, 4, 5), true)).isEqualTo("+12024-01-02T03:04:05Z");
        assertThat(PgTemporal.iso(LocalDateTime.of(-5, 1, 2, 3, 4, 5, 100), false)).isEqualTo("-0005-01-02T03:04:05.0000001");
        for (String malformed : List.of("2024-01-02 03:04:05.+00", "2024-01-02 03:04:05+0", "2024-01-02 03:04:05.1234567891+00", "2024-13-02 03:04:05+00",
                "2024-01-02 03:04:05", "2024-01-02x03:04:05+00")) {
            assertThatThrownBy(() -> PgTemporal.parseTimestampWithTimeZone(malformed)).as(malformed).isInstanceOf(RuntimeException.class);
        }
    }
}
