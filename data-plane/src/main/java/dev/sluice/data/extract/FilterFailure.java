package dev.sluice.data.extract;

import dev.sluice.core.id.ConsumerId;
import dev.sluice.stream.NewMessage;

import static java.util.Objects.requireNonNull;

/**
 * A change a consumer's filter could not judge (Postgres would raise an error evaluating the same
 * condition on the same row, such as {@code status::int > 0} on {@code 'abc'}): the message the
 * consumer would have received, to be stored as one of its dead letters with {@code reason}, in
 * its place in its key's order, so that the failure is visible rather than silent.
 */
public record FilterFailure(ConsumerId consumerId, NewMessage message, String reason)
{
    public FilterFailure
    {
        requireNonNull(consumerId, "consumerId is null");
        requireNonNull(message, "message is null");
        requireNonNull(reason, "reason is null");
    }
}
