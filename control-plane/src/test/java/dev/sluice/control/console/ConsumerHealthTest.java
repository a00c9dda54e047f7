package dev.sluice.control.console;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao.DeliveryHealth;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.stream.MessageStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerHealthTest
{
    private static final OffsetDateTime NOON = OffsetDateTime.of(2026, 12, 3, 12, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void aPushConsumerFailingEveryDeliveryWithDeadLettersIsRedNotActive()
    {
        ConsumerHealth health = ConsumerHealth.of(consumer(true), new MessageStore.Counts(3, 1, 25, 0),
                Optional.of(new DeliveryHealth(null, "HTTP 500", NOON)), quiet());
        assertThat(health.level()).isEqualTo("bad");
        assertThat(health.summary()).isEqualTo("failing: every delivery since 2026-12-03 12:00:00 UTC failed · 25 dead letters");
    }

    @Test
    void anErrorBeforeTheLastSuccessIsNotFailing()
    {
        ConsumerHealth health = ConsumerHealth.of(consumer(true), new MessageStore.Counts(0, 0, 0, 5),
                Optional.of(new DeliveryHealth(NOON.plusMinutes(1), "HTTP 500", NOON)), quiet());
        assertThat(health.level()).isEqualTo("good");
        assertThat(health.summary()).isEqualTo("healthy: caught up");
    }

    @Test
    void aBacklogThatGrowsFasterThanItIsAcknowledgedIsAWarning()
    {
        List<MessageStore.Minute> minutes = IntStream.range(0, 30).mapToObj(i -> new MessageStore.Minute(Instant.EPOCH.plusSeconds(60L * i), 100, 40, 40)).toList();
        ConsumerHealth health = ConsumerHealth.of(consumer(true), new MessageStore.Counts(300, 10, 0, 40), Optional.empty(), minutes);
        assertThat(health.level()).isEqualTo("warn");
        assertThat(health.summary()).isEqualTo("backlog growing: 500 stored, 200 acknowledged in 5 minutes");
    }

    @Test
    void aPausedConsumerSaysSo()
    {
        ConsumerHealth health = ConsumerHealth.of(consumer(false), new MessageStore.Counts(0, 0, 0, 0), Optional.empty(), quiet());
        assertThat(health.level()).isEqualTo("warn");
        assertThat(health.summary()).isEqualTo("paused");
    }

    private static List<MessageStore.Minute> quiet()
    {
        return IntStream.range(0, 30).mapToObj(i -> new MessageStore.Minute(Instant.EPOCH.plusSeconds(60L * i), 0, 0, 0)).toList();
    }

    private static Consumer consumer(boolean active)
    {
        return new Consumer(AccountId.generate(), ConsumerId.generate(), "orders", SourceId.generate(), Consumer.Kind.PUSH,
                List.of(new TableSelection("public", "orders", null)), List.of("insert"), Optional.empty(), Optional.empty(), Optional.of(ResourceKind.HTTP_ENDPOINT.newId()),
                Optional.empty(), 1, 30, 1000, 10, StartPosition.now(), 0, active, Instant.EPOCH, Instant.EPOCH);
    }
}
