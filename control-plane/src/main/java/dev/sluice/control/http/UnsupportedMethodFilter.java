package dev.sluice.control.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.error.ErrorCode;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Answers a method the server has no use for (TRACE, CONNECT, anything unknown) with 405 and the
 * {@code Allow} header RFC 9110 requires, which the server's blanket refusal of such methods lacks: the
 * path's methods are what Jersey answers to OPTIONS on it. Nothing is echoed back (TRACE stays refused). The problem is
 * written with the API's own mapper, as every other answer is.
 */
public final class UnsupportedMethodFilter
        implements Filter
{
    private static final Set<String> SERVED = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final ObjectMapper json;

    public UnsupportedMethodFilter(ObjectMapper json)
    {
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException
    {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer) || SERVED.contains(http.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        AllowCapture options = new AllowCapture(answer);
        chain.doFilter(new HttpServletRequestWrapper(http)
        {
            @Override
            public String getMethod()
            {
                return "OPTIONS";
            }
        }, options);
        if (options.status() / 100 != 2 || options.allow() == null) {
            // the path's OPTIONS was refused (no such path, no token): the method answer is the same refusal
            answer.sendError(options.status() / 100 == 2 ? HttpServletResponse.SC_METHOD_NOT_ALLOWED : options.status());
            return;
        }
        answer.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        answer.setHeader("Allow", options.allow());
        answer.setContentType("application/problem+json");
        byte[] body = json.writeValueAsBytes(Problems.problem(ErrorCode.METHOD_NOT_ALLOWED, http.getMethod() + " is not served; this path serves " + options.allow()));
        answer.setContentLength(body.length);
        answer.getOutputStream().write(body);
    }

    /** A response that keeps the status and Allow header of the OPTIONS answer and drops its body. */
    private static final class AllowCapture
            extends HttpServletResponseWrapper
    {
        private int status = SC_OK;
        private String allow;

        AllowCapture(HttpServletResponse response)
        {
            super(response);
        }

        int status()
        {
            return status;
        }

        String allow()
        {
            return allow;
        }

        @Override
        public void setStatus(int status)
        {
            this.status = status;
        }

        @Override
        public void sendError(int status)
        {
            this.status = status;
        }

        @Override
        public void sendError(int status, String message)
        {
            this.status = status;
        }

        @Override
        public void setHeader(String name, String value)
        {
            capture(name, value);
        }

        @Override
        public void addHeader(String name, String value)
        {
            capture(name, value);
        }

        @Override
        public void setContentType(String type) {}

        @Override
        public void setContentLength(int length) {}

        @Override
        public void setContentLengthLong(long length) {}

        @Override
        public void setCharacterEncoding(String charset) {}

        @Override
        public void flushBuffer() {}

        @Override
        public boolean isCommitted()
        {
            return false;
        }

        @Override
        public ServletOutputStream getOutputStream()
        {
            return new ServletOutputStream()
            {
                @Override
                public boolean isReady()
                {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {}

                @Override
                public void write(int b) {}

                @Override
                public void write(byte[] b, int off, int len) {}
            };
        }

        @Override
        public PrintWriter getWriter()
        {
            return new PrintWriter(Writer.nullWriter());
        }

        private void capture(String name, String value)
        {
            if (name.equalsIgnoreCase("Allow")) {
                allow = value;
            }
        }
    }
}
