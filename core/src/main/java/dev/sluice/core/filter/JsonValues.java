package dev.sluice.core.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.SluiceJson;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * JSON values with {@code jsonb} semantics: element access, equality (numbers compare by value, so
 * {@code 1.0} equals {@code 1}), and the text Postgres prints for a {@code jsonb} (keys ordered
 * shortest first, then bytewise; {@code ", "} and {@code ": "} separators).
 */
final class JsonValues
{
    // the shared configuration keeps a number's scale as jsonb does (2.50 prints as 2.50); integers of any size compare exactly
    private static final ObjectMapper MAPPER = SluiceJson.builder()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private JsonValues() {}

    static JsonNode parse(String text)
    {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new FilterEvaluationException("invalid input syntax for type json: \"" + text + "\"");
            }
            return node;
        }
        catch (JsonProcessingException e) {
            throw new FilterEvaluationException("invalid input syntax for type json: \"" + text + "\"");
        }
    }

    /** {@code node -> key}: the member of an object, or null when missing or not an object. */
    static JsonNode field(JsonNode node, String key)
    {
        return node.isObject() ? node.get(key) : null;
    }

    /** {@code node -> index}: an array element, counting from the end when negative, or null when out of range. */
    static JsonNode element(JsonNode node, long index)
    {
        if (node.isArray()) {
            long position = index < 0 ? node.size() + index : index;
            if (position < 0 || position >= node.size()) {
                return null;
            }
            return node.get((int) position);
        }
        if (node.isValueNode() && (index == 0 || index == -1)) {
            // jsonb stores a scalar document as a one-element array, so element 0 of "x" is "x"
            return node;
        }
        return null;
    }

    /** {@code ->>}: the value as text; strings unquoted, JSON null as SQL NULL. */
    static String text(JsonNode node)
    {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        return format(node);
    }

    static boolean equal(JsonNode left, JsonNode right)
    {
        if (left.isNumber() && right.isNumber()) {
            return number(left).compareTo(number(right)) == 0;
        }
        if (left.getNodeType() != right.getNodeType()) {
            return false;
        }
        if (left.isArray()) {
            if (left.size() != right.size()) {
                return false;
            }
            for (int index = 0; index < left.size(); index++) {
                if (!equal(left.get(index), right.get(index))) {
                    return false;
                }
            }
            return true;
        }
        if (left.isObject()) {
            if (left.size() != right.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> field : left.properties()) {
                JsonNode other = right.get(field.getKey());
                if (other == null || !equal(field.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return left.equals(right);
    }

    /** A JSON number as {@code numeric}. */
    static BigDecimal number(JsonNode node)
    {
        if (node.isIntegralNumber()) {
            return new BigDecimal(node.bigIntegerValue());
        }
        return PostgresText.normalizeScale(node.decimalValue());
    }

    /** The text of a value as {@code jsonb} prints it. */
    static String format(JsonNode node)
    {
        StringBuilder text = new StringBuilder();
        format(node, text);
        return text.toString();
    }

    private static void format(JsonNode node, StringBuilder text)
    {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                keys.add(field.getKey());
            }
            // jsonb keeps object keys sorted: shorter first, then by their bytes
            keys.sort((left, right) -> {
                byte[] leftBytes = left.getBytes(StandardCharsets.UTF_8);
                byte[] rightBytes = right.getBytes(StandardCharsets.UTF_8);
                if (leftBytes.length != rightBytes.length) {
                    return Integer.compare(leftBytes.length, rightBytes.length);
                }
                return Arrays.compareUnsigned(leftBytes, rightBytes);
            });
            text.append('{');
            for (int index = 0; index < keys.size(); index++) {
                if (index > 0) {
                    text.append(", ");
                }
                appendString(keys.get(index), text);
                text.append(": ");
                format(node.get(keys.get(index)), text);
            }
            text.append('}');
        }
        else if (node.isArray()) {
            text.append('[');
            for (int index = 0; index < node.size(); index++) {
                if (index > 0) {
                    text.append(", ");
                }
                format(node.get(index), text);
            }
            text.append(']');
        }
        else if (node.isTextual()) {
            appendString(node.textValue(), text);
        }
        else if (node.isNumber()) {
            text.append(PostgresText.formatNumeric(number(node)));
        }
        else if (node.isBoolean()) {
            text.append(node.booleanValue());
        }
        else if (node.isNull()) {
            text.append("null");
        }
        else {
            throw new FilterEvaluationException("unsupported JSON value: " + node.getNodeType());
        }
    }

    // as Postgres's escape_json
    private static void appendString(String value, StringBuilder text)
    {
        text.append('"');
        for (int index = 0; index < value.length(); index++) {
            char character = value.charAt(index);
            switch (character) {
                case '\b' -> text.append("\\b");
                case '\f' -> text.append("\\f");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                default -> {
                    if (character < ' ') {
                        text.append(String.format("\\u%04x", (int) character));
                    }
                    else {
                        text.append(character);
                    }
                }
            }
        }
        text.append('"');
    }

    /** A description of the JSON type for error messages, as Postgres names it ("jsonb string"). */
    static String typeName(JsonNode node)
    {
        if (node.isObject()) {
            return "object";
        }
        if (node.isArray()) {
            return "array";
        }
        if (node.isTextual()) {
            return "string";
        }
        if (node.isNumber()) {
            return "numeric";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        return "null";
    }

    /** {@code left @> right} for {@code jsonb}: every key and element of {@code right} is in {@code left}; a top-level array may contain a scalar. */
    static boolean contains(JsonNode left, JsonNode right)
    {
        if (left.isArray() && right.isValueNode()) {
            return containsScalar(left, right);
        }
        return deepContains(left, right);
    }

    private static boolean deepContains(JsonNode left, JsonNode right)
    {
        if (right.isObject()) {
            if (!left.isObject()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> field : right.properties()) {
                JsonNode value = left.get(field.getKey());
                if (value == null || !sameKind(value, field.getValue())) {
                    return false;
                }
                if (field.getValue().isContainerNode() ? !deepContains(value, field.getValue()) : !equal(value, field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (right.isArray()) {
            if (!left.isArray()) {
                return false;
            }
            for (JsonNode element : right) {
                if (element.isContainerNode()) {
                    boolean found = false;
                    for (JsonNode candidate : left) {
                        if (sameKind(candidate, element) && deepContains(candidate, element)) {
                            found = true;
                            break;
                        }
                    }
                    if (!found) {
                        return false;
                    }
                }
                else if (!containsScalar(left, element)) {
                    return false;
                }
            }
            return true;
        }
        return left.isValueNode() && equal(left, right);
    }

    private static boolean containsScalar(JsonNode array, JsonNode scalar)
    {
        for (JsonNode element : array) {
            if (element.isValueNode() && equal(element, scalar)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameKind(JsonNode left, JsonNode right)
    {
        if (left.isObject() || right.isObject()) {
            return left.isObject() && right.isObject();
        }
        if (left.isArray() || right.isArray()) {
            return left.isArray() && right.isArray();
        }
        return true;
    }

    /** {@code node ? key}: a top-level key of an object, or a string element of an array (or the string itself). */
    static boolean hasKey(JsonNode node, String key)
    {
        if (node.isObject()) {
            return node.has(key);
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (element.isTextual() && element.textValue().equals(key)) {
                    return true;
                }
            }
            return false;
        }
        return node.isTextual() && node.textValue().equals(key);
    }

    /** {@code left || right} for {@code jsonb}: objects merge (the right wins), anything else concatenates as arrays. */
    static JsonNode concatenate(JsonNode left, JsonNode right)
    {
        if (left.isObject() && right.isObject()) {
            ObjectNode merged = MAPPER.createObjectNode();
            left.properties().forEach(field -> merged.set(field.getKey(), field.getValue()));
            right.properties().forEach(field -> merged.set(field.getKey(), field.getValue()));
            return merged;
        }
        ArrayNode array = MAPPER.createArrayNode();
        for (JsonNode side : List.of(left, right)) {
            if (side.isArray()) {
                side.forEach(array::add);
            }
            else {
                array.add(side);
            }
        }
        return array;
    }
}
