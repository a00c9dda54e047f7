package dev.sluice.core.error;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A domain error with a stable code; the control plane turns it into an
 * {@code application/problem+json} response in one place.
 */
public class SluiceException
        extends RuntimeException
{
    private final ErrorCode code;
    private final List<FieldError> fieldErrors;

    public SluiceException(ErrorCode code, String message)
    {
        this(code, message, List.of(), null);
    }

    public SluiceException(ErrorCode code, String message, Throwable cause)
    {
        this(code, message, List.of(), cause);
    }

    public SluiceException(ErrorCode code, String message, List<FieldError> fieldErrors, Throwable cause)
    {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
        this.fieldErrors = List.copyOf(fieldErrors);
    }

    public static SluiceException invalid(String field, String message)
    {
        return new SluiceException(ErrorCode.VALIDATION_FAILED, field + ": " + message, List.of(new FieldError(field, message)), null);
    }

    public static SluiceException notFound(String kind, String idOrName)
    {
        return new SluiceException(ErrorCode.NOT_FOUND, kind + " '" + idOrName + "' does not exist");
    }

    public ErrorCode code()
    {
        return code;
    }

    public List<FieldError> fieldErrors()
    {
        return fieldErrors;
    }

    /** One field at fault, named by its JSON path in the request body. */
    public record FieldError(String field, String message)
    {
        public FieldError
        {
            requireNonNull(field, "field is null");
            requireNonNull(message, "message is null");
        }
    }
}
