package dev.sluice.core.error;

import java.util.Locale;

/**
 * Stable error codes returned in problem responses. The code, not the message, is the contract.
 */
public enum ErrorCode
{
    VALIDATION_FAILED(422, "Validation failed"),
    MALFORMED_REQUEST(400, "Malformed request"),
    UNAUTHENTICATED(401, "Authentication required"),
    INSUFFICIENT_SCOPE(403, "Insufficient scope"),
    OPERATOR_ONLY(403, "Operator only"),
    ACCOUNT_DISABLED(403, "Account disabled"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    NAME_TAKEN(409, "Name taken"),
    IN_USE(409, "Resource in use"),
    INVALID_STATE(409, "Invalid state"),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency key reused"),
    SOURCE_CHECK_FAILED(422, "Source check failed"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    RATE_LIMITED(429, "Rate limited"),
    SOURCE_UNAVAILABLE(503, "Source unavailable"),
    METADATA_UNAVAILABLE(503, "Metadata store unavailable"),
    INTERNAL(500, "Internal error");

    private final int status;
    private final String title;

    ErrorCode(int status, String title)
    {
        this.status = status;
        this.title = title;
    }

    public int status()
    {
        return status;
    }

    public String title()
    {
        return title;
    }

    public String code()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
