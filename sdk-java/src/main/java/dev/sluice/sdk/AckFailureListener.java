package dev.sluice.sdk;

/**
 * Told of every ack or nack of a {@link ConsumerLoop} that did not take effect. It runs on the loop's ack
 * thread, so it should return quickly; an exception it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface AckFailureListener
{
    void ackFailed(AckFailure failure);
}
