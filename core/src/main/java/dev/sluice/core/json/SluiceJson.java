package dev.sluice.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import static java.util.Objects.requireNonNull;

/**
 * The one Jackson configuration of Sluice, for every document it reads or writes: row values and records, message
 * JSON, transforms' input and output, values kept in the store, console sessions and the API's bodies. A document is
 * accepted or refused the same way wherever it goes, so one that the extractor took cannot fail later at delivery.
 *
 * <ul>
 * <li>Limits: anything a Postgres value can hold is read, nothing beyond it: {@value #MAX_NUMBER_LENGTH} characters
 * for a number (the longest {@code numeric} Postgres prints: 131072 digits before the point and 16383 after),
 * {@value #MAX_STRING_LENGTH} for a string or a key (Postgres's largest value, 1 GB), {@value #MAX_NESTING_DEPTH}
 * levels of nesting, read and written. The API's bodies are bounded further by the request size limit. Jackson 2
 * writes a tree ({@code JsonNode}) recursively, so a thread writing one nested deeper than a few thousand levels
 * overflows a default (1 MB) stack before this limit is reached; reading is not recursive.</li>
 * <li>Numbers are exact: decimals read as {@link java.math.BigDecimal} with their trailing zeros ({@code 2.50} stays
 * {@code 2.50}) and written in plain notation ({@code 0.00000012}, not {@code 1.2E-7}).</li>
 * <li>Times ({@code java.time}) are ISO-8601 text, {@code Optional} is its value or absent; content after the
 * document is an error.</li>
 * </ul>
 * A mapper that needs more (the API's strict binding, canonical key order) adds it to {@link #builder()}, or to a
 * mapper made elsewhere through {@link #configure(ObjectMapper)}; it never changes these.
 */
public final class SluiceJson
{
    public static final int MAX_NESTING_DEPTH = 10_000;
    public static final int MAX_NUMBER_LENGTH = 150_000;
    public static final int MAX_STRING_LENGTH = 1 << 30;

    private static final StreamReadConstraints READ_CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .maxNameLength(MAX_STRING_LENGTH)
            .build();
    private static final StreamWriteConstraints WRITE_CONSTRAINTS = StreamWriteConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .build();
    private static final ObjectMapper MAPPER = builder().build();

    private SluiceJson() {}

    /** The shared mapper. Thread-safe; do not reconfigure it (make one with {@link #builder()} instead). */
    public static ObjectMapper mapper()
    {
        return MAPPER;
    }

    /** A builder with the shared configuration, for a mapper that adds to it. */
    public static JsonMapper.Builder builder()
    {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(READ_CONSTRAINTS)
                .streamWriteConstraints(WRITE_CONSTRAINTS)
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .build();
        return JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /** Gives a mapper made elsewhere (the HTTP server's) the shared configuration; call it before the mapper is first used. */
    @SuppressWarnings("deprecation")
    public static void configure(ObjectMapper mapper)
    {
        requireNonNull(mapper, "mapper is null");
        mapper.getFactory().setStreamReadConstraints(READ_CONSTRAINTS);
        mapper.getFactory().setStreamWriteConstraints(WRITE_CONSTRAINTS);
        mapper.configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
        mapper.registerModule(new JavaTimeModule());
        mapper.registerModule(new Jdk8Module());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    }
}
