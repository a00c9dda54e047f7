package dev.sluice.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every mapper Sluice makes reads and writes with the same limits and the same number handling. */
class SluiceJsonTest
{
    static List<ObjectMapper> mappers()
    {
        // the shared mapper, one built on the shared builder (the store's, the filter's, the idempotency fingerprint's),
        // and one made elsewhere and configured afterwards (the HTTP server's)
        ObjectMapper configured = new ObjectMapper();
        SluiceJson.configure(configured);
        return List.of(SluiceJson.mapper(), SluiceJson.builder().build(), configured);
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void readsEveryNumberPostgresCanPrintAndRefusesALongerOne(ObjectMapper mapper)
            throws Exception
    {
        // Jackson's own limit is 1,000 characters; a numeric column may print 147,455 digits
        String longest = "9".repeat(131_072) + "." + "9".repeat(16_383);
        assertThat(mapper.readTree("{\"amount\": " + longest + "}").path("amount").decimalValue().toPlainString()).isEqualTo(longest);

        assertThatThrownBy(() -> mapper.readTree("[" + "1".repeat(SluiceJson.MAX_NUMBER_LENGTH + 1) + "]"))
                .isInstanceOf(StreamConstraintsException.class)
                .hasMessageStartingWith("Number value length (" + (SluiceJson.MAX_NUMBER_LENGTH + 1) + ") exceeds the maximum allowed (" + SluiceJson.MAX_NUMBER_LENGTH);
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void readsDocumentsNestedToTheLimitAndRefusesDeeperOnes(ObjectMapper mapper)
            throws Exception
    {
        assertThat(mapper.readTree(nested(SluiceJson.MAX_NESTING_DEPTH)).isArray()).isTrue();
        assertThatThrownBy(() -> mapper.readTree(nested(SluiceJson.MAX_NESTING_DEPTH + 1)))
                .isInstanceOf(StreamConstraintsException.class)
                .hasMessageStartingWith("Document nesting depth (" + (SluiceJson.MAX_NESTING_DEPTH + 1) + ") exceeds the maximum allowed (" + SluiceJson.MAX_NESTING_DEPTH);
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void writesDocumentsNestedToTheLimitAndRefusesDeeperOnes(ObjectMapper mapper)
            throws Exception
    {
        JsonNode deepest = mapper.readTree(nested(SluiceJson.MAX_NESTING_DEPTH));
        ArrayNode deeper = JsonNodeFactory.instance.arrayNode();
        deeper.add(deepest);
        // Jackson writes a tree recursively: this deep, a thread needs more than the default stack (see SluiceJson)
        onLargeStack(() -> {
            assertThat(mapper.writeValueAsString(deepest)).isEqualTo(nested(SluiceJson.MAX_NESTING_DEPTH));
            assertThatThrownBy(() -> mapper.writeValueAsString(deeper))
                    .isInstanceOf(JsonProcessingException.class)
                    .hasMessageContaining("Document nesting depth (" + (SluiceJson.MAX_NESTING_DEPTH + 1) + ") exceeds the maximum allowed (" + SluiceJson.MAX_NESTING_DEPTH);
            return null;
        });
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void limitsStringsAndKeysToPostgressLargestValue(ObjectMapper mapper)
    {
        // a string past 1 GB cannot be built in a test: the limit itself is pinned, and it is the same for keys
        StreamReadConstraints constraints = mapper.getFactory().streamReadConstraints();
        assertThat(constraints.getMaxStringLength()).isEqualTo(SluiceJson.MAX_STRING_LENGTH).isEqualTo(1 << 30);
        assertThat(constraints.getMaxNameLength()).isEqualTo(SluiceJson.MAX_STRING_LENGTH);
        assertThat(constraints.getMaxNestingDepth()).isEqualTo(10_000);
        assertThat(constraints.getMaxNumberLength()).isEqualTo(150_000);
        assertThat(mapper.getFactory().streamWriteConstraints().getMaxNestingDepth()).isEqualTo(10_000);
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void readsLongStringsAndKeysThatJacksonsDefaultsRefuse(ObjectMapper mapper)
            throws Exception
    {
        // Jackson's own limits: 20,000,000 characters for a string, 50,000 for a key
        String key = "k".repeat(60_000);
        String text = "t".repeat(20_000_001);
        JsonNode document = mapper.readTree("{\"" + key + "\": \"" + text + "\"}");
        assertThat(document.path(key).textValue()).hasSize(20_000_001);
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void keepsNumbersExactAndWritesTimesAsText(ObjectMapper mapper)
            throws Exception
    {
        assertThat(mapper.writeValueAsString(mapper.readTree("{\"price\": 2.50, \"tiny\": 0.00000012, \"big\": 12345678901234567890}")))
                .isEqualTo("{\"price\":2.50,\"tiny\":0.00000012,\"big\":12345678901234567890}");
        assertThat(mapper.writeValueAsString(new BigDecimal("1.2E-7"))).isEqualTo("0.00000012");
        assertThat(mapper.writeValueAsString(Map.of("at", Instant.parse("2026-12-03T16:00:00Z"), "maybe", Optional.of(3))))
                .contains("\"at\":\"2026-12-03T16:00:00Z\"").contains("\"maybe\":3");
        assertThat(mapper.readValue("\"2026-12-03T16:00:00Z\"", Instant.class)).isEqualTo(Instant.parse("2026-12-03T16:00:00Z"));
        assertThatThrownBy(() -> mapper.readTree("{\"a\": 1} {\"b\": 2}")).isInstanceOf(JsonProcessingException.class);
    }

    private static void onLargeStack(Callable<Void> check)
            throws Exception
    {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                check.call();
            }
            catch (Throwable e) {
                failure.set(e);
            }
        }, "large-stack", 64L << 20);
        thread.start();
        thread.join();
        if (failure.get() instanceof Exception exception) {
            throw exception;
        }
        if (failure.get() instanceof Error error) {
            throw error;
        }
    }

    private static String nested(int depth)
    {
        return "[".repeat(depth) + "]".repeat(depth);
    }
}
