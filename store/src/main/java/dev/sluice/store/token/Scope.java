package dev.sluice.store.token;

import java.util.Locale;

/** What an API token may do. */
public enum Scope
{
    /** Create, change, delete and read every resource of the account. */
    MANAGE,
    /** Read every resource of the account. */
    READ,
    /** Receive, ack and nack messages; nothing else. */
    CONSUME;

    public String value()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope fromValue(String value)
    {
        return Scope.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
