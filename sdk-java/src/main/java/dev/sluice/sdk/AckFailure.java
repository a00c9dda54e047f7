package dev.sluice.sdk;

import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.AckResult;
import dev.sluice.sdk.model.Message;

import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An ack or nack of a {@link ConsumerLoop} that did not take effect: its request failed ({@link #error()}),
 * or the server answered it for this message with a status other than {@code ok} ({@link #status()}, e.g.
 * {@code unknown} once the visibility timeout had passed). Either way the message may be delivered again.
 *
 * @param message the message that was handled
 * @param settlement whether it was to be acked or nacked
 * @param status the server's answer for this message, when there was one
 * @param error the failure of the request, when the server gave no answer
 */
public record AckFailure(Message message, Settlement settlement, Optional<AckResult.StatusEnum> status, Optional<ApiException> error)
{
    /** What the loop sent for a message. */
    public enum Settlement
    {
        ACK, NACK
    }

    public AckFailure
    {
        requireNonNull(message, "message is null");
        requireNonNull(settlement, "settlement is null");
        requireNonNull(status, "status is null");
        requireNonNull(error, "error is null");
        if (status.isPresent() == error.isPresent()) {
            throw new IllegalArgumentException("exactly one of status and error must be present");
        }
    }

    static AckFailure refused(Message message, Settlement settlement, AckResult.StatusEnum status)
    {
        return new AckFailure(message, settlement, Optional.of(status), Optional.empty());
    }

    static AckFailure failed(Message message, Settlement settlement, ApiException error)
    {
        return new AckFailure(message, settlement, Optional.empty(), Optional.of(error));
    }

    @Override
    public String toString()
    {
        return settlement.name().toLowerCase(Locale.ROOT) + " of message " + message.getId() + " failed: "
                + status.map(value -> "status " + value.getValue()).orElseGet(() -> error.orElseThrow().getMessage());
    }
}
