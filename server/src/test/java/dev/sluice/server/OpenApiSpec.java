package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The API's OpenAPI document, read from the classpath as the server ships it, with just enough of a
 * schema validator to check real responses against it and to build minimal valid request bodies.
 */
public final class OpenApiSpec
{
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final JsonNode root;

    private OpenApiSpec(JsonNode root)
    {
        this.root = root;
    }

    public static OpenApiSpec load()
    {
        try (InputStream in = OpenApiSpec.class.getClassLoader().getResourceAsStream("dev/sluice/openapi/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is not on the classpath");
            }
            return new OpenApiSpec(new ObjectMapper(new YAMLFactory()).readTree(in));
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode paths()
    {
        return root.path("paths");
    }

    public JsonNode resolve(JsonNode schema)
    {
        JsonNode current = schema;
        while (current.has("$ref")) {
            String[] parts = current.path("$ref").asText().substring(2).split("/", -1);
            JsonNode target = root;
            for (String part : parts) {
                target = target.path(part);
            }
            current = target;
        }
        return current;
    }

    /** The schema of an operation's response with this status (or its default), for the given media type. */
    public JsonNode responseSchema(String pathTemplate, String method, int status)
    {
        JsonNode responses = root.path("paths").path(pathTemplate).path(method.toLowerCase(Locale.ROOT)).path("responses");
        JsonNode response = responses.has(Integer.toString(status)) ? responses.path(Integer.toString(status)) : responses.path("default");
        response = resolve(response);
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return null;
        }
        return content.elements().next().path("schema");
    }

    /** Every way {@code value} breaks {@code schema}; empty when it conforms. Undeclared properties are errors. */
    public List<String> violations(JsonNode schema, JsonNode value)
    {
        List<String> errors = new ArrayList<>();
        check(resolve(schema), value, "$", errors);
        return errors;
    }

    private void check(JsonNode schema, JsonNode value, String at, List<String> errors)
    {
        schema = resolve(schema);
        if (value == null || value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                errors.add(at + ": null where " + schema.path("type").asText("a value") + " is expected");
            }
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    errors.add(at + ": expected object, got " + value.getNodeType());
                    return;
                }
                JsonNode properties = schema.path("properties");
                for (JsonNode required : schema.path("required")) {
                    if (!value.has(required.asText())) {
                        errors.add(at + ": missing required property " + required.asText());
                    }
                }
                JsonNode additional = schema.path("additionalProperties");
                for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (properties.has(field.getKey())) {
                        check(properties.path(field.getKey()), field.getValue(), at + "." + field.getKey(), errors);
                    }
                    else if (additional.isObject()) {
                        check(additional, field.getValue(), at + "." + field.getKey(), errors);
                    }
                    else if (!additional.asBoolean(false)) {
                        errors.add(at + ": undeclared property " + field.getKey());
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(at + ": expected array, got " + value.getNodeType());
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), at + "[" + i + "]", errors);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(at + ": expected string, got " + value.getNodeType());
                    return;
                }
                if (schema.has("enum") && !contains(schema.path("enum"), value.asText())) {
                    errors.add(at + ": '" + value.asText() + "' is not one of " + schema.path("enum"));
                }
                if ("date-time".equals(schema.path("format").asText())) {
                    try {
                        OffsetDateTime.parse(value.asText());
                    }
                    catch (DateTimeParseException e) {
                        errors.add(at + ": not an RFC 3339 date-time: " + value.asText());
                    }
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(at + ": expected integer, got " + value.getNodeType());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    errors.add(at + ": expected boolean, got " + value.getNodeType());
                }
            }
            default -> { }
        }
    }

    private static boolean contains(JsonNode values, String value)
    {
        for (JsonNode candidate : values) {
            if (candidate.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** A minimal body that satisfies the schema: required properties only, each with a plain valid value. */
    public JsonNode minimalValue(JsonNode schema)
    {
        schema = resolve(schema);
        if (schema.has("enum")) {
            return NODES.textNode(schema.path("enum").get(0).asText());
        }
        switch (schema.path("type").asText("")) {
            case "object" -> {
                ObjectNode object = NODES.objectNode();
                for (JsonNode required : schema.path("required")) {
                    object.set(required.asText(), minimalValue(schema.path("properties").path(required.asText())));
                }
                return object;
            }
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                array.add(minimalValue(schema.path("items")));
                return array;
            }
            case "integer" -> {
                return NODES.numberNode(schema.path("minimum").asInt(1));
            }
            case "boolean" -> {
                return NODES.booleanNode(true);
            }
            default -> {
                return NODES.textNode("x");
            }
        }
    }
}
