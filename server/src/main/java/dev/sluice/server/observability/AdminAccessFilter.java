package dev.sluice.server.observability;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Guards the admin pages (metrics, tasks, thread dumps): they name every tenant's sources and consumers and
 * can change the server, so they need the operator token as a bearer token. Liveness and health stay open
 * to load balancers. Without an operator token configured, only clients on the loopback interface get in.
 */
public final class AdminAccessFilter
        implements Filter
{
    private static final Set<String> OPEN = Set.of("/ping", "/healthcheck");

    private final Optional<String> operatorToken;

    public AdminAccessFilter(Optional<String> operatorToken)
    {
        this.operatorToken = requireNonNull(operatorToken, "operatorToken is null");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException
    {
        HttpServletRequest http = (HttpServletRequest) request;
        String path = Optional.ofNullable(http.getPathInfo()).orElse(Optional.ofNullable(http.getServletPath()).orElse(""));
        if (OPEN.contains(path) || allowed(http)) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse reply = (HttpServletResponse) response;
        reply.setStatus(401);
        reply.setHeader("WWW-Authenticate", "Bearer realm=\"sluice-admin\"");
        reply.setContentType("application/problem+json");
        reply.getOutputStream().write("""
                {"type":"about:blank","title":"Unauthorized","status":401,"code":"unauthenticated",\
                "detail":"the admin pages need the operator token: send Authorization: Bearer <operator token>"}"""
                .getBytes(StandardCharsets.UTF_8));
    }

    private boolean allowed(HttpServletRequest request)
    {
        if (operatorToken.isEmpty()) {
            return loopback(request.getRemoteAddr());
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, operatorToken.get().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean loopback(String address)
    {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        }
        catch (UnknownHostException e) {
            return false;
        }
    }
}
