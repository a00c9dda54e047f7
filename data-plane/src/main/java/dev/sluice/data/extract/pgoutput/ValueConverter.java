package dev.sluice.data.extract.pgoutput;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.sluice.core.json.SluiceJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Turns a column value in Postgres text format into typed JSON for messages, or into a Java
 * value for the filter evaluator.
 * <p>
 * JSON: integers stay integers and {@code numeric} stays an exact decimal; floats are numbers;
 * {@code NaN} and infinities become strings; {@code json}/{@code jsonb} are embedded as JSON;
 * arrays of known element types become JSON arrays of typed elements; {@code timestamptz} becomes
 * ISO-8601 in UTC, {@code timestamp} ISO-8601 local, {@code date} ISO-8601; {@code bytea}
 * becomes base64; everything else (text, uuid, enums, time, interval, inet, unknown types) stays
 * the text Postgres printed. Serialize with {@link #newObjectMapper()} so that decimals are
 * written in plain notation and deep or long documents are not refused.
 * <p>
 * Thread-safe.
 */
public final class ValueConverter
{
    private final ObjectMapper objectMapper;
    private final TypeCatalog catalog;

    /** A converter that knows the built-in types only: domains arrive as text, arrays of user-defined types as their text. */
    public ValueConverter()
    {
        this(TypeCatalog.NONE);
    }

    /** A converter that converts a domain as its base type and an array of user-defined types as a JSON array, as {@code catalog} describes them. */
    public ValueConverter(TypeCatalog catalog)
    {
        this.objectMapper = newObjectMapper();
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    // a domain's base type (through domains over domains); any other type as it is
    private int baseType(int typeOid)
    {
        int current = typeOid;
        for (int depth = 0; depth < 32 && Integer.compareUnsigned(current, TypeCatalog.FIRST_USER_OID) >= 0; depth++) {
            Optional<TypeCatalog.UserType> type = catalog.describe(current);
            if (type.isEmpty() || type.get().baseOid() == 0) {
                break;
            }
            current = type.get().baseOid();
        }
        return current;
    }

    // the element type of an array type, built-in or user-defined
    private OptionalInt elementType(int typeOid)
    {
        OptionalInt builtIn = TypeOids.elementType(typeOid);
        if (builtIn.isPresent() || Integer.compareUnsigned(typeOid, TypeCatalog.FIRST_USER_OID) < 0) {
            return builtIn;
        }
        return catalog.describe(typeOid).filter(type -> type.elementOid() != 0).map(type -> OptionalInt.of(type.elementOid())).orElse(OptionalInt.empty());
    }

    /**
     * A mapper that reads JSON documents without loss (decimals as {@link BigDecimal} with their
     * trailing zeros, long numbers and strings, deep nesting) and writes decimals in plain notation
     * ({@code 0.00000012}, not {@code 1.2E-7}). Use it to serialize the values this class returns.
     */
    public static ObjectMapper newObjectMapper()
    {
        return SluiceJson.builder().build();
    }

    /**
     * Converts a value in text format.
     *
     * @param text the value as Postgres printed it, or null for SQL NULL
     * @throws PgOutputException if the text is not in the format Postgres prints for the type
     */
    public JsonNode toJson(int typeOid, String text)
    {
        if (text == null) {
            return NullNode.getInstance();
        }
        try {
            int type = baseType(typeOid);
            OptionalInt elementType = elementType(type);
            if (elementType.isPresent()) {
                return arrayToJson(elementType.getAsInt(), PgArrayParser.parse(text));
            }
            return scalarToJson(type, text);
        }
        catch (NumberFormatException | DateTimeException e) {
            throw new PgOutputException("malformed value of type " + Integer.toUnsignedString(typeOid), e);
        }
    }

    /**
     * Converts a value in text format to the Java type the filter evaluator works with:
     * {@code int2/int4/int8/oid} → {@link Long}; {@code numeric} → {@link BigDecimal} (or a
     * {@link Double} for {@code NaN} and infinities, which {@code BigDecimal} cannot hold);
     * {@code float4/float8} → {@link Double}; {@code bool} → {@link Boolean};
     * {@code json/jsonb} → {@link JsonNode}; {@code timestamptz} → {@link OffsetDateTime} in UTC;
     * {@code timestamp} → {@link LocalDateTime}; {@code date} → {@link LocalDate} (infinities
     * map to the type's {@code MAX} and {@code MIN}); an array → a {@link List} of its elements
     * converted the same way (nested lists for more dimensions); a domain as its base type; anything
     * else → the {@link String} Postgres printed.
     *
     * @param text the value as Postgres printed it, or null for SQL NULL (which returns null)
     */
    public Object toJava(int typeOid, String text)
    {
        if (text == null) {
            return null;
        }
        try {
            int type = baseType(typeOid);
            OptionalInt elementType = elementType(type);
            if (elementType.isPresent()) {
                return arrayToJava(elementType.getAsInt(), PgArrayParser.parse(text));
            }
            return switch (type) {
                case TypeOids.INT2, TypeOids.INT4, TypeOids.INT8, TypeOids.OID -> Long.parseLong(text);
                case TypeOids.NUMERIC -> isSpecialNumber(text) ? (Object) Double.parseDouble(text) : new BigDecimal(text);
                case TypeOids.FLOAT4, TypeOids.FLOAT8 -> Double.parseDouble(text);
                case TypeOids.BOOL -> parseBoolean(text);
                case TypeOids.JSON, TypeOids.JSONB -> parseJson(text);
                case TypeOids.TIMESTAMPTZ -> parseTimestampWithTimeZone(text);
                case TypeOids.TIMESTAMP -> parseTimestamp(text);
                case TypeOids.DATE -> parseDate(text);
                default -> text;
            };
        }
        catch (NumberFormatException | DateTimeException e) {
            throw new PgOutputException("malformed value of type " + Integer.toUnsignedString(typeOid), e);
        }
    }

    private JsonNode scalarToJson(int typeOid, String text)
    {
        return switch (typeOid) {
            case TypeOids.INT2, TypeOids.INT4, TypeOids.INT8, TypeOids.OID -> integer(Long.parseLong(text));
            case TypeOids.NUMERIC -> isSpecialNumber(text) ? TextNode.valueOf(text) : DecimalNode.valueOf(new BigDecimal(text));
            case TypeOids.FLOAT4, TypeOids.FLOAT8 -> isSpecialNumber(text) ? TextNode.valueOf(text) : DoubleNode.valueOf(Double.parseDouble(text));
            case TypeOids.BOOL -> BooleanNode.valueOf(parseBoolean(text));
            case TypeOids.JSON, TypeOids.JSONB -> copyJson(text);
            case TypeOids.TIMESTAMPTZ -> isInfinity(text) ? TextNode.valueOf(text) : TextNode.valueOf(PgTemporal.iso(parseTimestampWithTimeZone(text).toLocalDateTime(), true));
            case TypeOids.TIMESTAMP -> isInfinity(text) ? TextNode.valueOf(text) : TextNode.valueOf(PgTemporal.iso(parseTimestamp(text), false));
            case TypeOids.DATE -> isInfinity(text) ? TextNode.valueOf(text) : TextNode.valueOf(DateTimeFormatter.ISO_LOCAL_DATE.format(parseDate(text)));
            case TypeOids.BYTEA -> TextNode.valueOf(Base64.getEncoder().encodeToString(parseBytea(text)));
            default -> TextNode.valueOf(text);
        };
    }

    private List<Object> arrayToJava(int elementType, List<Object> elements)
    {
        List<Object> array = new ArrayList<>(elements.size());
        for (Object element : elements) {
            if (element instanceof List<?> nested) {
                @SuppressWarnings("unchecked")
                List<Object> nestedElements = (List<Object>) nested;
                array.add(arrayToJava(elementType, nestedElements));
            }
            else {
                array.add(element == null ? null : toJava(elementType, (String) element));
            }
        }
        return Collections.unmodifiableList(array);
    }

    private JsonNode arrayToJson(int elementType, List<Object> elements)
    {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(elements.size());
        for (Object element : elements) {
            if (element instanceof List<?> nested) {
                @SuppressWarnings("unchecked")
                List<Object> nestedElements = (List<Object>) nested;
                array.add(arrayToJson(elementType, nestedElements));
            }
            else {
                array.add(element == null ? NullNode.getInstance() : scalarToJson(baseType(elementType), (String) element));
            }
        }
        return array;
    }

    private static JsonNode integer(long value)
    {
        // The node type Jackson's own parser would pick, so that trees compare equal.
        if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            return IntNode.valueOf((int) value);
        }
        return LongNode.valueOf(value);
    }

    private static boolean isSpecialNumber(String text)
    {
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
    }

    private static boolean isInfinity(String text)
    {
        return text.equals("infinity") || text.equals("-infinity");
    }

    private static Boolean parseBoolean(String text)
    {
        return switch (text) {
            case "t" -> Boolean.TRUE;
            case "f" -> Boolean.FALSE;
            default -> throw new PgOutputException("malformed boolean value");
        };
    }

    private JsonNode parseJson(String text)
    {
        try {
            JsonNode document = objectMapper.readTree(text);
            if (document.isMissingNode()) {
                throw new PgOutputException("malformed json value: empty");
            }
            return document;
        }
        catch (JsonProcessingException e) {
            throw new PgOutputException("malformed json value at " + e.getLocation(), e);
        }
    }

    /**
     * A json or jsonb value for a record: checked and copied token by token (whitespace dropped, every number's text
     * exact) into text the record embeds as it is. No tree: building one and writing it again cost as much as the
     * rest of a row's conversion, and writing a deep one recursed.
     */
    private JsonNode copyJson(String text)
    {
        StringWriter out = new StringWriter(text.length());
        try (JsonParser parser = objectMapper.getFactory().createParser(text);
                JsonGenerator generator = objectMapper.getFactory().createGenerator(out)) {
            if (parser.nextToken() == null) {
                throw new PgOutputException("malformed json value: empty");
            }
            generator.copyCurrentStructureExact(parser);
            if (parser.nextToken() != null) {
                throw new PgOutputException("malformed json value at " + parser.currentLocation() + ": more than one value");
            }
        }
        catch (JsonProcessingException e) {
            throw new PgOutputException("malformed json value at " + e.getLocation(), e);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new POJONode(new RawValue(out.toString()));
    }

    private static OffsetDateTime parseTimestampWithTimeZone(String text)
    {
        return switch (text) {
            case "infinity" -> OffsetDateTime.MAX;
            case "-infinity" -> OffsetDateTime.MIN;
            // Normalized to UTC: the offset Postgres prints is only the session's time zone.
            default -> PgTemporal.parseTimestampWithTimeZone(text).withOffsetSameInstant(ZoneOffset.UTC);
        };
    }

    private static LocalDateTime parseTimestamp(String text)
    {
        return switch (text) {
            case "infinity" -> LocalDateTime.MAX;
            case "-infinity" -> LocalDateTime.MIN;
            default -> PgTemporal.parseTimestamp(text);
        };
    }

    private static LocalDate parseDate(String text)
    {
        return switch (text) {
            case "infinity" -> LocalDate.MAX;
            case "-infinity" -> LocalDate.MIN;
            default -> PgTemporal.parseDate(text);
        };
    }

    /** Decodes {@code bytea} output in hex ({@code \x0102ff}, the default) or escape format. */
    static byte[] parseBytea(String text)
    {
        requireNonNull(text, "text is null");
        if (text.startsWith("\\x")) {
            int digits = text.length() - 2;
            if (digits % 2 != 0) {
                throw new PgOutputException("malformed bytea value: odd number of hex digits");
            }
            byte[] bytes = new byte[digits / 2];
            for (int index = 0; index < bytes.length; index++) {
                int high = hexValue(text.charAt(2 + 2 * index));
                int low = hexValue(text.charAt(3 + 2 * index));
                if (high < 0 || low < 0) {
                    throw new PgOutputException("malformed bytea value: not a hex digit");
                }
                bytes[index] = (byte) (high << 4 | low);
            }
            return bytes;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int index = 0;
        while (index < text.length()) {
            char character = text.charAt(index);
            if (character != '\\') {
                if (character > 0x7f) {
                    throw new PgOutputException("malformed bytea value: non-ASCII character in escape format");
                }
                bytes.write(character);
                index++;
            }
            else if (index + 1 < text.length() && text.charAt(index + 1) == '\\') {
                bytes.write('\\');
                index += 2;
            }
            else if (index + 3 < text.length() && isOctal(text, index + 1)) {
                bytes.write(Integer.parseInt(text.substring(index + 1, index + 4), 8));
                index += 4;
            }
            else {
                throw new PgOutputException("malformed bytea value: bad escape");
            }
        }
        return bytes.toByteArray();
    }

    private static int hexValue(char character)
    {
        if (character >= '0' && character <= '9') {
            return character - '0';
        }
        if (character >= 'a' && character <= 'f') {
            return character - 'a' + 10;
        }
        if (character >= 'A' && character <= 'F') {
            return character - 'A' + 10;
        }
        return -1;
    }

    private static boolean isOctal(String text, int start)
    {
        for (int index = start; index < start + 3; index++) {
            char character = text.charAt(index);
            if (character < '0' || character > '7') {
                return false;
            }
        }
        return text.charAt(start) <= '3';
    }
}
