package dev.sluice.core.id;

import static java.util.Objects.requireNonNull;

/**
 * A source's id (src_...); prints as its text.
 */
public record SourceId(String value)
{
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

    @Override
    public String toString()
    {
        return value;
    }
}
