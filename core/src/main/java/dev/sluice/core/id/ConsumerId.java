package dev.sluice.core.id;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * A consumer's id (con_...); prints as its text, and is its text in JSON (stored results keep the shape they had when the id was a string).
 */
public record ConsumerId(String value)
        implements ResourceId
{
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public ConsumerId
    {
        ResourceKind.CONSUMER.check(value);
    }

    public static ConsumerId generate()
    {
        return new ConsumerId(ResourceKind.CONSUMER.newId());
    }

    @Override
    public String toString()
    {
        return value;
    }
}
