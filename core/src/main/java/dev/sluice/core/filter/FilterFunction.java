package dev.sluice.core.filter;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Map.entry;

/** The functions a filter may call, with the names that call each one and how many arguments it takes. */
public enum FilterFunction
{
    LOWER("lower", 1, 1),
    UPPER("upper", 1, 1),
    LENGTH("length", 1, 1),
    ABS("abs", 1, 1),
    COALESCE("coalesce", 1, Integer.MAX_VALUE);

    private static final Map<String, FilterFunction> BY_NAME = Map.ofEntries(
            entry("lower", LOWER),
            entry("upper", UPPER),
            entry("length", LENGTH),
            entry("char_length", LENGTH),
            entry("character_length", LENGTH),
            entry("abs", ABS),
            entry("coalesce", COALESCE));

    private final String sql;
    private final int minimumArguments;
    private final int maximumArguments;

    FilterFunction(String sql, int minimumArguments, int maximumArguments)
    {
        this.sql = sql;
        this.minimumArguments = minimumArguments;
        this.maximumArguments = maximumArguments;
    }

    /** The function's Postgres name, as the SQL renderer writes it. */
    public String sql()
    {
        return sql;
    }

    boolean acceptsArguments(int count)
    {
        return count >= minimumArguments && count <= maximumArguments;
    }

    /** The function a name calls ({@code char_length} is {@link #LENGTH}), if filters support it. */
    public static Optional<FilterFunction> fromName(String name)
    {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The names filters accept, for messages. */
    static String supportedNames()
    {
        return "lower, upper, length (char_length), abs, coalesce";
    }
}
