package dev.sluice.data.extract;

import dev.sluice.stream.NewMessage;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What {@link ChangeRouter} made of a batch of changes: the messages to append to consumers' streams,
 * and the changes filters could not judge, which belong in those consumers' dead letters. Both are
 * written in the same store transaction as the checkpoint.
 */
public record RoutedChanges(List<NewMessage> messages, List<FilterFailure> failures)
{
    public RoutedChanges
    {
        messages = List.copyOf(requireNonNull(messages, "messages is null"));
        failures = List.copyOf(requireNonNull(failures, "failures is null"));
    }
}
