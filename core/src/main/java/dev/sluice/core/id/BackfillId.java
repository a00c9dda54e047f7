package dev.sluice.core.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import static java.util.Objects.requireNonNull;

/**
 * A backfill's id (bf_...); prints as its text, and is its text in JSON (stored results keep the shape they had when the id was a string).
 */
public record BackfillId(String value)
        implements ResourceId
{
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public BackfillId
    {
        requireNonNull(value, "value is null");
        if (!ResourceKind.BACKFILL.isId(value)) {
            throw new IllegalArgumentException("not a backfill id: " + value);
        }
    }

    public static BackfillId generate()
    {
        return new BackfillId(ResourceKind.BACKFILL.newId());
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
