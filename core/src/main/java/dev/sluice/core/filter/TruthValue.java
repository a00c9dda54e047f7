package dev.sluice.core.filter;

/** The result of a condition under SQL's three-valued logic; a filter keeps a row only when it is {@link #TRUE}. */
public enum TruthValue
{
    TRUE,
    FALSE,
    UNKNOWN;

    static TruthValue of(Boolean value)
    {
        if (value == null) {
            return UNKNOWN;
        }
        return value ? TRUE : FALSE;
    }
}
