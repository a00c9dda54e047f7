package dev.sluice.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.BackfillId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.backfill.Backfill;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.store.source.Source;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An idempotent create stores its result as JSON for a day, and a retry may reach a newer version: records keep the JSON
 * shape they had when their ids were strings ({@code "id": "con_..."}), so either version reads what the other wrote.
 */
class StoredJsonTest
{
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    private static final AccountId ACCOUNT = AccountId.generate();
    private static final ConsumerId CONSUMER = ConsumerId.generate();
    private static final SourceId SOURCE = SourceId.generate();
    private static final BackfillId BACKFILL = BackfillId.generate();

    @Test
    void aConsumerKeepsItsIdsAsTextUnderTheirOldNames()
    {
        Consumer consumer = new Consumer(ACCOUNT, CONSUMER, "orders", SOURCE, Consumer.Kind.PULL, List.of(new TableSelection("public", "orders", List.of())),
                List.of("insert"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1, 30, 1000, 10, StartPosition.now(), 0, true, AT, AT);

        JsonNode json = Json.read(Json.write(consumer), JsonNode.class);

        assertThat(json.get("id").isTextual()).isTrue();
        assertThat(json.get("id").asText()).isEqualTo(CONSUMER.value());
        assertThat(json.get("sourceId").asText()).isEqualTo(SOURCE.value());
        assertThat(json.get("accountId").get("value").asText()).as("an account id stays an object, as it always was").isEqualTo(ACCOUNT.value());
        assertThat(json.has("consumerId")).isFalse();
        assertThat(json.has("source")).isFalse();
        assertThat(Json.read(json.toString(), Consumer.class)).isEqualTo(consumer);
    }

    @Test
    void aSourceAndABackfillKeepTheirIdsAsText()
    {
        Source source = new Source(ACCOUNT, SOURCE, "shop", "db.example.com", 5432, "shop", "sluice", "sealed", "require", "pub", "slot", true, true, AT, AT);
        Backfill backfill = new Backfill(ACCOUNT, BACKFILL, CONSUMER, Backfill.State.PENDING, Optional.empty(), Optional.empty(), List.of(), 0,
                Optional.empty(), Optional.empty(), Optional.empty(), AT, AT, Optional.empty());

        JsonNode sourceJson = Json.read(Json.write(source), JsonNode.class);
        JsonNode backfillJson = Json.read(Json.write(backfill), JsonNode.class);

        assertThat(sourceJson.get("id").asText()).isEqualTo(SOURCE.value());
        assertThat(backfillJson.get("id").asText()).isEqualTo(BACKFILL.value());
        assertThat(backfillJson.get("consumerId").asText()).isEqualTo(CONSUMER.value());
        assertThat(Json.read(sourceJson.toString(), Source.class)).isEqualTo(source);
        assertThat(Json.read(backfillJson.toString(), Backfill.class)).isEqualTo(backfill);
    }

    @Test
    void textThatIsNoIdOfItsKindIsRefused()
    {
        ObjectNode json = (ObjectNode) Json.read(Json.write(new Source(ACCOUNT, SOURCE, "shop", "db.example.com", 5432, "shop", "sluice", "sealed",
                "require", "pub", "slot", true, true, AT, AT)), JsonNode.class);
        json.put("id", CONSUMER.value());

        assertThat(catchThrowable(() -> Json.read(json.toString(), Source.class)))
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasRootCauseMessage("not a source id: " + CONSUMER.value());
    }
}
