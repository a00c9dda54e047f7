package dev.sluice.core.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import static java.util.Objects.requireNonNull;

/**
 * A source's id (src_...); prints as its text, and is its text in JSON (stored results keep the shape they had when the id was a string).
 */
public record SourceId(String value)
        implements ResourceId
{
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public SourceId
    {
        requireNonNull(value, "value is null");
        if (!ResourceKind.SOURCE.isId(value)) {
            throw new IllegalArgumentException("not a source id: " + value);
        }
    }

    public static SourceId generate()
    {
        return new SourceId(ResourceKind.SOURCE.newId());
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
