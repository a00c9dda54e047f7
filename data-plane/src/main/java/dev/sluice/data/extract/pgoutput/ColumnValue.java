package dev.sluice.data.extract.pgoutput;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * One column of a {@link TupleData}: null, an unchanged TOAST value that was not sent, or the
 * value in text or binary format.
 */
public sealed interface ColumnValue
{
    Null NULL = new Null();
    UnchangedToast UNCHANGED_TOAST = new UnchangedToast();

    /** {@code 'n'}: SQL NULL. */
    record Null()
            implements ColumnValue
    {
        @Override
        public String toString()
        {
            return "NULL";
        }
    }

    /**
     * {@code 'u'}: a TOASTed value the update did not change; Postgres does not send it. The old
     * tuple has it only when the table has REPLICA IDENTITY FULL.
     */
    record UnchangedToast()
            implements ColumnValue
    {
        @Override
        public String toString()
        {
            return "UNCHANGED_TOAST";
        }
    }

    /** {@code 't'}: the value in the type's text output format. */
    record Text(String value)
            implements ColumnValue
    {
        public Text
        {
            requireNonNull(value, "value is null");
        }
    }

    /** {@code 'b'}: the value in the type's binary send format (only when the {@code binary} option is on). */
    record Binary(byte[] value)
            implements ColumnValue
    {
        public Binary
        {
            value = requireNonNull(value, "value is null").clone();
        }

        @Override
        public byte[] value()
        {
            return value.clone();
        }

        @Override
        public boolean equals(Object other)
        {
            return other instanceof Binary binary && Arrays.equals(binary.value, value);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString()
        {
            return "Binary[" + value.length + " bytes]";
        }
    }
}
