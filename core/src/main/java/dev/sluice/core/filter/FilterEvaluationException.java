package dev.sluice.core.filter;

import static java.util.Objects.requireNonNull;

/**
 * Evaluating a filter on a row failed where Postgres would raise an error for the same row and filter
 * (a cast of {@code 'abc'} to integer, a division by zero, a comparison of text with a number...).
 * A backfill running the same filter as SQL would fail on that row too.
 */
public class FilterEvaluationException
        extends RuntimeException
{
    public FilterEvaluationException(String message)
    {
        super(requireNonNull(message, "message is null"));
    }
}
