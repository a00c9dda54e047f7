package dev.sluice.sdk;

import static java.util.Objects.requireNonNull;

/** A webhook request that {@link WebhookVerifier} refused; answer it with a 4xx and do not act on it. */
public final class WebhookVerificationException
        extends Exception
{
    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Reason
    {
        /** A {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature} header is absent or empty. */
        MISSING_HEADER,
        /** {@code webhook-timestamp} is not a number of seconds. */
        INVALID_TIMESTAMP,
        /** The timestamp is further from now than the tolerance: a replay, or a clock far off. */
        TIMESTAMP_OUT_OF_TOLERANCE,
        /** No {@code v1} signature in {@code webhook-signature} matches the body and the secret. */
        NO_MATCHING_SIGNATURE,
    }

    private final Reason reason;

    WebhookVerificationException(Reason reason, String message)
    {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason()
    {
        return reason;
    }
}
