package dev.sluice.core.id;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * A backfill's id (bf_...); prints as its text, and is its text in JSON (stored results keep the shape they had when the id was a string).
 */
public record BackfillId(String value)
        implements ResourceId
{
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public BackfillId
    {
        ResourceKind.BACKFILL.check(value);
    }

    public static BackfillId generate()
    {
        return new BackfillId(ResourceKind.BACKFILL.newId());
    }

    @Override
    public String toString()
    {
        return value;
    }
}
