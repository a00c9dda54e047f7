package dev.sluice.core.id;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * A source's id (src_...); prints as its text, and is its text in JSON (stored results keep the shape they had when the id was a string).
 */
public record SourceId(String value)
        implements ResourceId
{
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public SourceId
    {
        ResourceKind.SOURCE.check(value);
    }

    public static SourceId generate()
    {
        return new SourceId(ResourceKind.SOURCE.newId());
    }

    @Override
    public String toString()
    {
        return value;
    }
}
