package dev.sluice.data.extract.pgoutput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueConverterTest
{
    private static final ObjectMapper MAPPER = ValueConverter.newObjectMapper();

    private final ValueConverter converter = new ValueConverter();

    @Test
    void nullIsJsonNullAndJavaNull()
    {
        assertThat(converter.toJson(TypeOids.INT4, null)).isEqualTo(NullNode.getInstance());
        assertThat(converter.toJson(TypeOids.INT4_ARRAY, null)).isEqualTo(NullNode.getInstance());
        assertThat(converter.toJava(TypeOids.TEXT, null)).isNull();
    }

    @Test
    void integersAreJsonIntegersAndLongs()
    {
        assertThat(json(TypeOids.INT2, "-32768")).isEqualTo("-32768");
        assertThat(json(TypeOids.INT4, "2147483647")).isEqualTo("2147483647");
        assertThat(json(TypeOids.INT8, "-9223372036854775808")).isEqualTo("-9223372036854775808");
        assertThat(json(TypeOids.OID, "4294967295")).isEqualTo("4294967295");
        assertThat(converter.toJson(TypeOids.INT8, "5").isIntegralNumber()).isTrue();
        assertThat(converter.toJava(TypeOids.INT2, "7")).isEqualTo(7L);
        assertThat(converter.toJava(TypeOids.INT8, "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void numericStaysExact()
    {
        String fortyDigits = "1234567890123456789012345678901234567890";
        assertThat(json(TypeOids.NUMERIC, fortyDigits)).isEqualTo(fortyDigits);
        assertThat(json(TypeOids.NUMERIC, "-12345678901234567890.123456789012345678901")).isEqualTo("-12345678901234567890.123456789012345678901");
        assertThat(json(TypeOids.NUMERIC, "1.50")).isEqualTo("1.50");
        assertThat(json(TypeOids.NUMERIC, "0.00000012")).isEqualTo("0.00000012");
        assertThat(json(TypeOids.NUMERIC, "1000")).isEqualTo("1000");
        assertThat(json(TypeOids.NUMERIC, "0")).isEqualTo("0");
        assertThat(converter.toJson(TypeOids.NUMERIC, "0.1").decimalValue()).isEqualTo(new BigDecimal("0.1"));
        assertThat(converter.toJava(TypeOids.NUMERIC, "-" + fortyDigits + ".5")).isEqualTo(new BigDecimal("-" + fortyDigits + ".5"));
    }

    @Test
    void numericSpecialValuesAreStrings()
    {
        assertThat(json(TypeOids.NUMERIC, "NaN")).isEqualTo("\"NaN\"");
        assertThat(json(TypeOids.NUMERIC, "Infinity")).isEqualTo("\"Infinity\"");
        assertThat(json(TypeOids.NUMERIC, "-Infinity")).isEqualTo("\"-Infinity\"");
        assertThat(converter.toJava(TypeOids.NUMERIC, "NaN")).isEqualTo(Double.NaN);
        assertThat(converter.toJava(TypeOids.NUMERIC, "-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void floatsAreNumbersExceptSpecialValues()
    {
        assertThat(json(TypeOids.FLOAT4, "1.1")).isEqualTo("1.1");
        assertThat(json(TypeOids.FLOAT8, "-0.30000000000000004")).isEqualTo("-0.30000000000000004");
        assertThat(converter.toJson(TypeOids.FLOAT8, "1e+300").doubleValue()).isEqualTo(1e300);
        assertThat(json(TypeOids.FLOAT8, "NaN")).isEqualTo("\"NaN\"");
        assertThat(json(TypeOids.FLOAT4, "Infinity")).isEqualTo("\"Infinity\"");
        assertThat(json(TypeOids.FLOAT8, "-Infinity")).isEqualTo("\"-Infinity\"");
        assertThat(converter.toJava(TypeOids.FLOAT4, "1.1")).isEqualTo(1.1d);
        assertThat(converter.toJava(TypeOids.FLOAT8, "Infinity")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void booleans()
    {
        assertThat(json(TypeOids.BOOL, "t")).isEqualTo("true");
        assertThat(json(TypeOids.BOOL, "f")).isEqualTo("false");
        assertThat(converter.toJava(TypeOids.BOOL, "t")).isEqualTo(true);
        assertThatThrownBy(() -> converter.toJson(TypeOids.BOOL, "yes")).isInstanceOf(PgOutputException.class);
    }

    @Test
    void jsonIsEmbedded()
    {
        assertThat(json(TypeOids.JSONB, "{\"a\": [1, 2.50, null, \"x\"], \"b\": {\"c\": true}}")).isEqualTo("{\"a\":[1,2.50,null,\"x\"],\"b\":{\"c\":true}}");
        assertThat(json(TypeOids.JSON, "  \"just a string\" ")).isEqualTo("\"just a string\"");
        assertThat(json(TypeOids.JSONB, "12345678901234567890123456789012345678901234567890")).isEqualTo("12345678901234567890123456789012345678901234567890");
        assertThat(converter.toJava(TypeOids.JSONB, "{\"a\": 1}")).isInstanceOf(JsonNode.class);
        assertThatThrownBy(() -> converter.toJson(TypeOids.JSON, "{nope"))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("malformed json");
    }

    @Test
    void deepJsonIsReadAndWritten()
            throws Exception
    {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);

        assertThat(json(TypeOids.JSONB, deep)).isEqualTo(deep);

        // as deep as reading allows, objects too, converted and written on a thread with a small stack: nothing recurses per level
        String deepest = "{\"a\":".repeat(9_999) + "1" + "}".repeat(9_999);
        String[] written = new String[1];
        Thread small = new Thread(null, () -> written[0] = json(TypeOids.JSONB, deepest), "small-stack", 256 * 1024);
        small.start();
        small.join();
        assertThat(written[0]).isEqualTo(deepest);
        assertThatThrownBy(() -> converter.toJson(TypeOids.JSON, "1 2")).isInstanceOf(PgOutputException.class).hasMessageContaining("more than one value");
    }

    @Test
    void arraysOfIntegers()
    {
        assertThat(json(TypeOids.INT4_ARRAY, "{1,2,NULL}")).isEqualTo("[1,2,null]");
        assertThat(json(TypeOids.INT8_ARRAY, "{{1,2},{3,4}}")).isEqualTo("[[1,2],[3,4]]");
        assertThat(json(TypeOids.INT4_ARRAY, "{}")).isEqualTo("[]");
        assertThat(json(TypeOids.INT4_ARRAY, "[0:1]={5,6}")).isEqualTo("[5,6]");
    }

    @Test
    void arraysOfText()
    {
        assertThat(json(TypeOids.TEXT_ARRAY, "{\"a b\",\"c\\\"d\",\"e\\\\f\",NULL,\"NULL\",żółć}"))
                .isEqualTo("[\"a b\",\"c\\\"d\",\"e\\\\f\",null,\"NULL\",\"żółć\"]");
        assertThat(json(TypeOids.VARCHAR_ARRAY, "{x,\"\"}")).isEqualTo("[\"x\",\"\"]");
        assertThat(converter.toJava(TypeOids.TEXT_ARRAY, "{a,b}")).as("filters compare arrays element by element").isEqualTo(List.of("a", "b"));
    }

    @Test
    void arraysOfOtherElementTypes()
    {
        assertThat(json(TypeOids.NUMERIC_ARRAY, "{1.10,NaN,-1234567890123456789012345678901234567890}"))
                .isEqualTo("[1.10,\"NaN\",-1234567890123456789012345678901234567890]");
        assertThat(json(TypeOids.BOOL_ARRAY, "{t,f,NULL}")).isEqualTo("[true,false,null]");
        assertThat(json(TypeOids.UUID_ARRAY, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}")).isEqualTo("[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"]");
        assertThat(json(TypeOids.JSONB_ARRAY, "{\"{\\\"a\\\": 1}\",\"[1, 2]\",NULL}")).isEqualTo("[{\"a\":1},[1,2],null]");
        assertThat(json(TypeOids.FLOAT8_ARRAY, "{1.5,-Infinity}")).isEqualTo("[1.5,\"-Infinity\"]");
        assertThat(json(TypeOids.TIMESTAMPTZ_ARRAY, "{\"2024-01-02 03:04:05+00\"}")).isEqualTo("[\"2024-01-02T03:04:05Z\"]");
        assertThat(json(TypeOids.BYTEA_ARRAY, "{\"\\\\x01ff\"}")).isEqualTo("[\"Af8=\"]");
    }

    @Test
    void timestampWithTimeZoneIsIsoInUtc()
    {
        assertThat(json(TypeOids.TIMESTAMPTZ, "2024-01-02 03:04:05.123456+00")).isEqualTo("\"2024-01-02T03:04:05.123456Z\"");
        assertThat(json(TypeOids.TIMESTAMPTZ, "2024-01-02 03:04:00+00")).isEqualTo("\"2024-01-02T03:04:00Z\"");
        assertThat(json(TypeOids.TIMESTAMPTZ, "2024-01-02 08:34:05.5+05:30")).isEqualTo("\"2024-01-02T03:04:05.5Z\"");
        assertThat(json(TypeOids.TIMESTAMPTZ, "1900-01-01 00:00:00+00:53:28")).isEqualTo("\"1899-12-31T23:06:32Z\"");
        assertThat(json(TypeOids.TIMESTAMPTZ, "0044-03-15 12:00:00+00 BC")).isEqualTo("\"-0043-03-15T12:00:00Z\"");
        assertThat(json(TypeOids.TIMESTAMPTZ, "infinity")).isEqualTo("\"infinity\"");
        assertThat(converter.toJava(TypeOids.TIMESTAMPTZ, "2024-01-02 00:04:05-03"))
                .isEqualTo(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC));
        assertThat(converter.toJava(TypeOids.TIMESTAMPTZ, "-infinity")).isEqualTo(OffsetDateTime.MIN);
    }

    @Test
    void timestampIsIsoLocal()
    {
        assertThat(json(TypeOids.TIMESTAMP, "2024-01-02 03:04:05.000001")).isEqualTo("\"2024-01-02T03:04:05.000001\"");
        assertThat(json(TypeOids.TIMESTAMP, "12024-01-02 03:04:05")).isEqualTo("\"+12024-01-02T03:04:05\"");
        assertThat(converter.toJava(TypeOids.TIMESTAMP, "2024-01-02 03:04:05.5")).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000));
        assertThat(converter.toJava(TypeOids.TIMESTAMP, "infinity")).isEqualTo(LocalDateTime.MAX);
        assertThatThrownBy(() -> converter.toJson(TypeOids.TIMESTAMP, "2024-01-02 03:04:05+00"))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("malformed timestamp");
    }

    @Test
    void dates()
    {
        assertThat(json(TypeOids.DATE, "2024-01-02")).isEqualTo("\"2024-01-02\"");
        assertThat(json(TypeOids.DATE, "0001-01-01 BC")).isEqualTo("\"0000-01-01\"");
        assertThat(json(TypeOids.DATE, "-infinity")).isEqualTo("\"-infinity\"");
        assertThat(converter.toJava(TypeOids.DATE, "2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThatThrownBy(() -> converter.toJava(TypeOids.DATE, "2023-02-29")).isInstanceOf(PgOutputException.class);
        assertThatThrownBy(() -> converter.toJava(TypeOids.DATE, "01/02/2024")).isInstanceOf(PgOutputException.class);
    }

    @Test
    void timesAndIntervalsStayText()
    {
        assertThat(json(TypeOids.TIME, "03:04:05.123")).isEqualTo("\"03:04:05.123\"");
        assertThat(json(TypeOids.TIMETZ, "03:04:05+02")).isEqualTo("\"03:04:05+02\"");
        assertThat(json(TypeOids.INTERVAL, "1 day 02:00:00")).isEqualTo("\"1 day 02:00:00\"");
        assertThat(converter.toJava(TypeOids.TIME, "24:00:00")).isEqualTo("24:00:00");
    }

    @Test
    void byteaIsBase64()
    {
        assertThat(json(TypeOids.BYTEA, "\\x0102ff")).isEqualTo("\"AQL/\"");
        assertThat(json(TypeOids.BYTEA, "\\x")).isEqualTo("\"\"");
        assertThat(json(TypeOids.BYTEA, "\\xDEADBEEF")).isEqualTo("\"3q2+7w==\"");
        assertThat(converter.toJava(TypeOids.BYTEA, "\\x0102ff")).isEqualTo("\\x0102ff");
        assertThatThrownBy(() -> converter.toJson(TypeOids.BYTEA, "\\x012")).isInstanceOf(PgOutputException.class);
        assertThatThrownBy(() -> converter.toJson(TypeOids.BYTEA, "\\x0g")).isInstanceOf(PgOutputException.class);
    }

    @Test
    void byteaInEscapeFormat()
    {
        assertThat(ValueConverter.parseBytea("ab\\\\\\000\\377")).containsExactly('a', 'b', '\\', 0, 0xff);
        assertThatThrownBy(() -> ValueConverter.parseBytea("\\9")).isInstanceOf(PgOutputException.class);
    }

    @Test
    void otherTypesStayText()
    {
        assertThat(json(TypeOids.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")).isEqualTo("\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
        assertThat(json(TypeOids.TEXT, "żółć \"quoted\" \\ 日本語 🙂")).isEqualTo("\"żółć \\\"quoted\\\" \\\\ 日本語 🙂\"");
        assertThat(json(TypeOids.BPCHAR, "ab  ")).isEqualTo("\"ab  \"");
        assertThat(json(TypeOids.INET, "192.168.0.1/24")).isEqualTo("\"192.168.0.1/24\"");
        assertThat(json(70_000, "happy")).isEqualTo("\"happy\"");
        assertThat(json(70_001, "{happy,sad}")).isEqualTo("\"{happy,sad}\"");
        assertThat(converter.toJava(TypeOids.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    }

    @Test
    void malformedNumbersAreReported()
    {
        assertThatThrownBy(() -> converter.toJson(TypeOids.INT4, "one"))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("malformed value of type 23");
        assertThatThrownBy(() -> converter.toJava(TypeOids.NUMERIC, "1,5")).isInstanceOf(PgOutputException.class);
    }

    @Test
    void everyKnownArrayTypeHasAKnownElementType()
    {
        assertThat(TypeOids.arrayElementTypes()).hasSize(26);
        assertThat(TypeOids.elementType(TypeOids.INT4_ARRAY)).hasValue(TypeOids.INT4);
        assertThat(TypeOids.elementType(TypeOids.INT4)).isEmpty();
    }

    private String json(int typeOid, String text)
    {
        try {
            return MAPPER.writeValueAsString(converter.toJson(typeOid, text));
        }
        catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void convertsDomainsAsTheirBaseTypeAndArraysOfUserDefinedTypesAsJsonArrays()
    {
        int positiveInt = 16400;
        int moodEnum = 16410;
        int moodArray = 16411;
        int positiveIntArray = 16401;
        TypeCatalog catalog = oid -> Optional.ofNullable(Map.of(
                positiveInt, new TypeCatalog.UserType(positiveInt, TypeOids.INT4, 0),
                moodEnum, new TypeCatalog.UserType(moodEnum, 0, 0),
                moodArray, new TypeCatalog.UserType(moodArray, 0, moodEnum),
                positiveIntArray, new TypeCatalog.UserType(positiveIntArray, 0, positiveInt)).get(oid));
        ValueConverter typed = new ValueConverter(catalog);

        assertThat(typed.toJson(positiveInt, "7").toString()).isEqualTo("7");
        assertThat(typed.toJava(positiveInt, "7")).isEqualTo(7L);
        assertThat(typed.toJson(moodArray, "{happy,NULL}").toString()).isEqualTo("[\"happy\",null]");
        assertThat(typed.toJson(positiveIntArray, "{1,2}").toString()).isEqualTo("[1,2]");
        assertThat(typed.toJava(positiveIntArray, "{{1,2},{3,NULL}}")).isEqualTo(List.of(List.of(1L, 2L), Arrays.asList(3L, null)));
        assertThat(new ValueConverter().toJson(positiveInt, "7").toString()).as("without a catalog a domain is text").isEqualTo("\"7\"");
    }

    @Test
    void givesFiltersArraysAsListsOfTypedElements()
    {
        assertThat(converter.toJava(TypeOids.BOOL_ARRAY, "{t,f,NULL}")).isEqualTo(Arrays.asList(true, false, null));
    }
}
