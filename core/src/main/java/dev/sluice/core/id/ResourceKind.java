package dev.sluice.core.id;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The kinds of resources the API names, each with its id prefix. A path parameter that matches a
 * kind's id pattern is looked up by id, anything else by name.
 */
public enum ResourceKind
{
    ACCOUNT("acc", "account"),
    TOKEN("tok", "token"),
    SOURCE("src", "source"),
    HTTP_ENDPOINT("end", "HTTP endpoint"),
    CONSUMER("con", "consumer"),
    BACKFILL("bf", "backfill");

    private final String prefix;
    private final String displayName;
    private final Pattern idPattern;

    ResourceKind(String prefix, String displayName)
    {
        this.prefix = prefix;
        this.displayName = displayName;
        this.idPattern = Ids.pattern(prefix);
    }

    public String prefix()
    {
        return prefix;
    }

    public String displayName()
    {
        return displayName;
    }

    public String newId()
    {
        return Ids.next(prefix);
    }

    public boolean isId(String value)
    {
        return value != null && idPattern.matcher(value).matches();
    }

    /** Refuses text that is not an id of this kind; a typed id's constructor checks its text with it. */
    public void check(String value)
    {
        requireNonNull(value, "value is null");
        if (!isId(value)) {
            String article = "aeiou".indexOf(displayName.charAt(0)) >= 0 ? "an " : "a ";
            throw new IllegalArgumentException("not " + article + displayName + " id: " + value);
        }
    }
}
