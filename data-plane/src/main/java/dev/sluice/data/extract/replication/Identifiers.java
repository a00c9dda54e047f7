package dev.sluice.data.extract.replication;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** Quoting and checking of SQL identifiers that end up in replication commands. */
final class Identifiers
{
    // The replication protocol does not quote slot names, and pgoutput splits publication_names
    // itself, so these names are restricted to what needs no quoting anywhere.
    private static final Pattern SIMPLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Identifiers() {}

    static String quote(String identifier)
    {
        requireNonNull(identifier, "identifier is null");
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String checkSimpleName(String kind, String name)
    {
        requireNonNull(name, kind + " is null");
        if (!SIMPLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(kind + " '" + name + "' must be 1 to 63 lower-case letters, digits or underscores, not starting with a digit");
        }
        return name;
    }
}
