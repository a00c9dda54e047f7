package dev.sluice.control.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;

import java.io.IOException;

/**
 * Refuses JSON strings holding the NUL character: Postgres cannot store it in text, so it would otherwise
 * fail deep inside a request instead of at the field that holds it.
 */
public final class NulFreeStringDeserializer
        extends StringDeserializer
{
    public static final String MESSAGE = "must not contain the NUL character (\\u0000)";

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context)
            throws IOException
    {
        String value = super.deserialize(parser, context);
        if (value != null && value.indexOf('\0') >= 0) {
            return (String) context.handleWeirdStringValue(String.class, value, MESSAGE);
        }
        return value;
    }
}
