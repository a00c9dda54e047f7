package dev.sluice.core.id;

import static java.util.Objects.requireNonNull;

/**
 * A consumer's id (con_...); prints as its text.
 */
public record ConsumerId(String value)
{
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

    @Override
    public String toString()
    {
        return value;
    }
}
