package dev.sluice.core.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import static java.util.Objects.requireNonNull;

/**
 * A consumer's id (con_...); prints as its text, and is its text in JSON (stored results keep the shape they had when the id was a string).
 */
public record ConsumerId(String value)
        implements ResourceId
{
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public ConsumerId
    {
        requireNonNull(value, "value is null");
        if (!ResourceKind.CONSUMER.isId(value)) {
            throw new IllegalArgumentException("not a consumer id: " + value);
        }
    }

    public static ConsumerId generate()
    {
        return new ConsumerId(ResourceKind.CONSUMER.newId());
    }

    @JsonValue
    @Override
    public String value()
    {
        return value;
    }

    @Override
    public String toString()
    {
        return value;
    }
}
