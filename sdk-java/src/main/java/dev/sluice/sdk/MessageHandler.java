package dev.sluice.sdk;

import dev.sluice.sdk.model.Message;

/**
 * Handles one message of a {@link ConsumerLoop}. Returning normally acknowledges the message; throwing
 * nacks it, and it comes back after a backoff delay with its deliver count raised.
 *
 * <p>Messages of one group (primary key) come one at a time, in order; messages of different groups are
 * handled concurrently, so a handler must be thread-safe. A message may be delivered more than once (after
 * a crash, a timeout or a failed ack): make handling idempotent, e.g. with
 * {@code message.getMetadata().getIdempotencyKey()}.
 */
@FunctionalInterface
public interface MessageHandler
{
    void handle(Message message)
            throws Exception;
}
