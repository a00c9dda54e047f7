package dev.sluice.control.http;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses a request body that reads as nothing although it was sent, such as the JSON literal {@code null}: a
 * body is an object or absent, and an absent optional body (receive) means "use the defaults".
 */
public final class NullBodyInterceptor
        implements ReaderInterceptor
{
    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context)
            throws IOException
    {
        CountingInputStream counting = new CountingInputStream(context.getInputStream());
        context.setInputStream(counting);
        Object entity = context.proceed();
        if (entity == null && counting.bytesRead > 0) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "request body must be a JSON object, not null; to use the defaults send no body");
        }
        return entity;
    }

    private static final class CountingInputStream
            extends FilterInputStream
    {
        private long bytesRead;

        CountingInputStream(InputStream in)
        {
            super(in);
        }

        @Override
        public int read()
                throws IOException
        {
            int next = super.read();
            if (next >= 0) {
                bytesRead++;
            }
            return next;
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            int count = super.read(buffer, offset, length);
            if (count > 0) {
                bytesRead += count;
            }
            return count;
        }
    }
}
