package dev.sluice.data.extract.pgoutput;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;

/**
 * A {@code pgoutput} message or column value that this decoder cannot read: a protocol violation,
 * a protocol feature that was not negotiated, or a value in an unexpected text format.
 */
public class PgOutputException
        extends SluiceException
{
    public PgOutputException(String message)
    {
        super(ErrorCode.INTERNAL, message);
    }

    public PgOutputException(String message, Throwable cause)
    {
        super(ErrorCode.INTERNAL, message, cause);
    }

    static String describe(byte code)
    {
        if (code >= 0x20 && code < 0x7f) {
            return "'" + (char) code + "'";
        }
        return String.format("0x%02x", code & 0xff);
    }
}
