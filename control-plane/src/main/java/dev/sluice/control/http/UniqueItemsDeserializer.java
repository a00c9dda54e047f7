package dev.sluice.control.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import java.io.IOException;
import java.util.Collection;
import java.util.Set;

/**
 * Refuses a repeated item in an array the spec declares {@code uniqueItems} (read into a {@link Set}), which
 * would otherwise be dropped without a word.
 */
public final class UniqueItemsDeserializer
        extends DelegatingDeserializer
{
    public static final String MESSAGE = "must not repeat an item";

    private UniqueItemsDeserializer(JsonDeserializer<?> delegate)
    {
        super(delegate);
    }

    /** Wraps the deserializer of every set. */
    public static BeanDeserializerModifier forSets()
    {
        return new BeanDeserializerModifier()
        {
            @Override
            public JsonDeserializer<?> modifyCollectionDeserializer(DeserializationConfig config, CollectionType type, BeanDescription description, JsonDeserializer<?> deserializer)
            {
                return Set.class.isAssignableFrom(type.getRawClass()) ? new UniqueItemsDeserializer(deserializer) : deserializer;
            }
        };
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate)
    {
        return new UniqueItemsDeserializer(delegate);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context)
            throws IOException
    {
        if (!parser.isExpectedStartArrayToken()) {
            return super.deserialize(parser, context);
        }
        TokenBuffer array = context.bufferAsCopyOfValue(parser);
        int items = 0;
        try (JsonParser counter = array.asParser(parser.getCodec())) {
            counter.nextToken();
            while (counter.nextToken() != JsonToken.END_ARRAY) {
                counter.skipChildren();
                items++;
            }
        }
        Object result;
        try (JsonParser replay = array.asParser(parser.getCodec())) {
            replay.nextToken();
            result = super.deserialize(replay, context);
        }
        if (result instanceof Collection<?> collection && collection.size() < items) {
            throw new DuplicateItemsException(parser);
        }
        return result;
    }

    /** An array declared with unique items repeats one. */
    public static final class DuplicateItemsException
            extends MismatchedInputException
    {
        DuplicateItemsException(JsonParser parser)
        {
            super(parser, MESSAGE);
        }
    }
}
