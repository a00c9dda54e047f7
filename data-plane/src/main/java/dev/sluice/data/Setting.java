package dev.sluice.data;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * A setting of the configuration file, declared once: its key, its default, the rule a value must follow and what it
 * does. The record that uses a value checks it with {@link #check}, the server lists every value that breaks its rule
 * before it starts ({@link #problem}), and the configuration reference in {@code docs/operations.md} is checked
 * against these declarations row by row (the server's {@code ConfigurationReferenceTest}).
 *
 * @param <T> the value's type
 */
public final class Setting<T>
{
    private final String name;
    private final T defaultValue;
    private final String documentedDefault;
    private final String rule;
    private final Predicate<T> valid;
    private final Function<T, String> text;
    private final String description;

    private Setting(String name, T defaultValue, String documentedDefault, String rule, Predicate<T> valid, Function<T, String> text, String description)
    {
        this.name = requireNonNull(name, "name is null");
        this.defaultValue = defaultValue;
        this.documentedDefault = requireNonNull(documentedDefault, "documentedDefault is null");
        this.rule = requireNonNull(rule, "rule is null");
        this.valid = requireNonNull(valid, "valid is null");
        this.text = requireNonNull(text, "text is null");
        this.description = requireNonNull(description, "description is null");
        if (defaultValue != null && !valid.test(defaultValue)) {
            throw new IllegalArgumentException(name + ": the default breaks the setting's own rule");
        }
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Setting<Integer> count(String name, int defaultValue, int min, int max, String description)
    {
        return new Setting<>(name, defaultValue, code(String.valueOf(defaultValue)), "from " + min + " to " + max, value -> value >= min && value <= max,
                String::valueOf, description);
    }

    /** A whole number of at least {@code min}. */
    public static Setting<Long> count(String name, long defaultValue, long min, String description)
    {
        return new Setting<>(name, defaultValue, code(String.valueOf(defaultValue)), "at least " + min, value -> value >= min, String::valueOf, description);
    }

    /** A duration above zero. */
    public static Setting<Duration> positiveDuration(String name, Duration defaultValue, String description)
    {
        requireNonNull(defaultValue, "defaultValue is null");
        return new Setting<>(name, defaultValue, code(durationText(defaultValue)), "above zero", value -> !value.isNegative() && !value.isZero(),
                Setting::durationText, description);
    }

    /** A duration of zero or more. */
    public static Setting<Duration> duration(String name, Duration defaultValue, String description)
    {
        requireNonNull(defaultValue, "defaultValue is null");
        return new Setting<>(name, defaultValue, code(durationText(defaultValue)), "zero or more", value -> !value.isNegative(), Setting::durationText, description);
    }

    /** A duration above zero that may be left unset; {@code whenUnset} says what is used then. */
    public static Setting<Duration> optionalPositiveDuration(String name, String whenUnset, String description)
    {
        return new Setting<>(name, null, whenUnset, "above zero", value -> !value.isNegative() && !value.isZero(), Setting::durationText, description);
    }

    /** A yes or no. */
    public static Setting<Boolean> flag(String name, boolean defaultValue, String description)
    {
        return new Setting<>(name, defaultValue, code(String.valueOf(defaultValue)), "true or false", value -> true, String::valueOf, description);
    }

    /**
     * Any other kind of value: {@code documentedDefault} is the default as the operations guide shows it, {@code rule}
     * completes "must be …", {@code text} shows a value in a problem.
     */
    public static <T> Setting<T> of(String name, T defaultValue, String documentedDefault, String rule, Predicate<T> valid, Function<T, String> text, String description)
    {
        return new Setting<>(name, defaultValue, documentedDefault, rule, valid, text, description);
    }

    /** The key in the configuration file, with the section it is in ({@code dataPlane.batchMessages}). */
    public String name()
    {
        return name;
    }

    /** The value used when the configuration file does not set one; null when the setting may stay unset. */
    public T defaultValue()
    {
        return defaultValue;
    }

    /** The default as the operations guide shows it (Markdown). */
    public String documentedDefault()
    {
        return documentedDefault;
    }

    /** What the setting does, as the operations guide says it (Markdown). */
    public String description()
    {
        return description;
    }

    /** What is wrong with {@code value} for this setting; empty when it follows the rule (or is null where unset is allowed). */
    public Optional<String> problem(T value)
    {
        if (value == null) {
            return defaultValue == null ? Optional.empty() : Optional.of(name + " must be set");
        }
        if (valid.test(value)) {
            return Optional.empty();
        }
        return Optional.of(name + " (" + text.apply(value) + ") must be " + rule);
    }

    /** {@code value}, if it follows the rule. */
    public T check(T value)
    {
        Optional<String> problem = problem(value);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        return value;
    }

    @Override
    public String toString()
    {
        return name;
    }

    /** A duration as the configuration file writes it: {@code 15s}, {@code 5ms}, {@code 10m}. */
    public static String durationText(Duration duration)
    {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis != 0 && millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }

    private static String code(String text)
    {
        return "`" + text + "`";
    }
}
