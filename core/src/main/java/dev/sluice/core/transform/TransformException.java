package dev.sluice.core.transform;

/** A transform that does not compile, fails at run time, or exceeds its budget; the message says which and where. */
public final class TransformException
        extends RuntimeException
{
    public TransformException(String message)
    {
        super(message);
    }

    public TransformException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
