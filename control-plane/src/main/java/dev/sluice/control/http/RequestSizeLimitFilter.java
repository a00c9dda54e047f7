package dev.sluice.control.http;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses request bodies above a limit with a 413, whether or not they announce their length, before
 * anything is parsed or stored.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class RequestSizeLimitFilter
        implements ContainerRequestFilter
{
    private final long maxBytes;

    public RequestSizeLimitFilter(long maxBytes)
    {
        this.maxBytes = maxBytes;
    }

    @Override
    public void filter(ContainerRequestContext request)
    {
        if (request.getLength() > maxBytes) {
            throw tooLarge();
        }
        if (request.hasEntity()) {
            request.setEntityStream(new LimitedInputStream(request.getEntityStream(), maxBytes));
        }
    }

    private SluiceException tooLarge()
    {
        return new SluiceException(ErrorCode.PAYLOAD_TOO_LARGE, "request body is larger than " + maxBytes + " bytes");
    }

    private final class LimitedInputStream
            extends FilterInputStream
    {
        private long remaining;

        LimitedInputStream(InputStream in, long limit)
        {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read()
                throws IOException
        {
            int b = super.read();
            if (b >= 0 && --remaining < 0) {
                throw tooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                remaining -= read;
                if (remaining < 0) {
                    throw tooLarge();
                }
            }
            return read;
        }
    }
}
