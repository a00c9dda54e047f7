package dev.sluice.data.extract.pgoutput;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Builds pgoutput messages byte by byte, the way the server writes them. */
final class MessageBytes
{
    static final Instant POSTGRES_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private MessageBytes() {}

    static MessageBytes type(char type)
    {
        return new MessageBytes().byte1(type);
    }

    MessageBytes byte1(int value)
    {
        bytes.write(value);
        return this;
    }

    MessageBytes int16(int value)
    {
        bytes.write(value >>> 8);
        bytes.write(value);
        return this;
    }

    MessageBytes int32(long value)
    {
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes.write((int) (value >>> shift));
        }
        return this;
    }

    MessageBytes int64(long value)
    {
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes.write((int) (value >>> shift));
        }
        return this;
    }

    MessageBytes timestamp(Instant instant)
    {
        Duration sinceEpoch = Duration.between(POSTGRES_EPOCH, instant);
        return int64(sinceEpoch.getSeconds() * 1_000_000L + sinceEpoch.getNano() / 1_000);
    }

    MessageBytes string(String value)
    {
        bytes.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        bytes.write(0);
        return this;
    }

    MessageBytes counted(byte[] value)
    {
        int32(value.length);
        bytes.writeBytes(value);
        return this;
    }

    /** Tuple data: each argument is null (SQL NULL), {@link ColumnValue#UNCHANGED_TOAST}, a String (text) or a byte[] (binary). */
    MessageBytes tuple(Object... columns)
    {
        int16(columns.length);
        for (Object column : columns) {
            if (column == null) {
                byte1('n');
            }
            else if (column == ColumnValue.UNCHANGED_TOAST) {
                byte1('u');
            }
            else if (column instanceof String text) {
                byte1('t').counted(text.getBytes(StandardCharsets.UTF_8));
            }
            else {
                byte1('b').counted((byte[]) column);
            }
        }
        return this;
    }

    byte[] toByteArray()
    {
        return bytes.toByteArray();
    }

    ByteBuffer toBuffer()
    {
        return ByteBuffer.wrap(toByteArray());
    }
}
