package dev.sluice.core.filter;

import static java.util.Objects.requireNonNull;

/**
 * The value of a quoted literal during evaluation: Postgres gives such a literal the type
 * {@code unknown} and reads it as whatever type the other operand has, so {@code '5'} is an
 * integer next to an integer column and a date next to a date.
 */
record UnknownText(String value)
{
    UnknownText
    {
        requireNonNull(value, "value is null");
    }
}
