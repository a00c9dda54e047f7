package dev.sluice.control.auth;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.secret.SecretBox;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Resolves the bearer token of every API request, and the session cookie of every console page, to a
 * {@link Caller}. Tokens are looked up by hash on every request, so a revoked token or a disabled account
 * is refused at once.
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthenticationFilter
        implements ContainerRequestFilter
{
    private final Authenticator authenticator;
    private final SecretBox sessionKey;

    public AuthenticationFilter(Authenticator authenticator, SecretBox sessionKey)
    {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.sessionKey = requireNonNull(sessionKey, "sessionKey is null");
    }

    @Override
    public void filter(ContainerRequestContext request)
    {
        Callers.clear();
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.equals("console") || path.startsWith("console/")) {
            authenticateConsole(request, path);
            return;
        }
        if (!path.startsWith("v1/")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw new SluiceException(ErrorCode.UNAUTHENTICATED, "send an API token in the Authorization header: 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new SluiceException(ErrorCode.UNAUTHENTICATED, "the Authorization header must use the Bearer scheme");
        }
        String secret = header.substring(7).trim();
        Callers.set(authenticator.authenticate(secret));
    }

    /** Console pages take their caller from the session cookie; without a valid one the browser goes to the login page. */
    private void authenticateConsole(ContainerRequestContext request, String path)
    {
        if (path.equals("console/login") || path.startsWith("console/static/")) {
            return;
        }
        Cookie cookie = request.getCookies().get(ConsoleSession.COOKIE);
        Optional<ConsoleSession> session = ConsoleSession.unseal(sessionKey, cookie == null ? null : cookie.getValue());
        try {
            if (session.isPresent()) {
                Callers.set(authenticator.authenticate(session.get().token()), session.get());
                return;
            }
        }
        catch (SluiceException e) {
            // a revoked token or a disabled account ends the session
        }
        URI login = request.getUriInfo().getBaseUriBuilder().path("console/login").build();
        boolean htmx = "true".equals(request.getHeaderString("HX-Request"));
        request.abortWith(htmx
                ? Response.ok().header("HX-Redirect", login.toString()).build()
                : Response.seeOther(login).build());
    }
}
