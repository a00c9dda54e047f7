package dev.sluice.core.filter;

import static java.util.Objects.requireNonNull;

/** A filter that cannot be accepted: a syntax error, or a construct filters do not support; the message says which, for the user. */
public class FilterException
        extends RuntimeException
{
    public FilterException(String message)
    {
        super(requireNonNull(message, "message is null"));
    }

    public FilterException(String message, Throwable cause)
    {
        super(requireNonNull(message, "message is null"), cause);
    }
}
