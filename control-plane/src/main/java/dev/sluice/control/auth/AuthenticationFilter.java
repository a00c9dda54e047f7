package dev.sluice.control.auth;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
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
    private final ConsoleSessions sessions;

    public AuthenticationFilter(Authenticator authenticator, ConsoleSessions sessions)
    {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
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

    /**
     * Console pages take their caller from the session cookie; without a live one the browser goes to the
     * login page. A form posted from another site (its Origin or Referer names another host) is refused
     * before anything else, the login form included.
     */
    private void authenticateConsole(ContainerRequestContext request, String path)
    {
        if ("POST".equals(request.getMethod()) && !sameOrigin(request)) {
            request.abortWith(Response.status(Response.Status.FORBIDDEN).type("text/plain; charset=utf-8")
                    .entity("This form was posted from another site; Sluice's console only takes forms from its own pages.").build());
            return;
        }
        // OPTIONS is answered by Jersey alone, with the path's methods and nothing of the account
        if (path.equals("console/login") || path.startsWith("console/static/") || "OPTIONS".equals(request.getMethod())) {
            return;
        }
        Cookie cookie = request.getCookies().get(ConsoleSession.COOKIE);
        Optional<ConsoleSession> session = sessions.unseal(cookie == null ? null : cookie.getValue());
        try {
            if (session.isPresent() && authenticator.authenticate(session.get().token()) instanceof Caller.AccountToken caller
                    && sessions.isLive(caller.accountId(), session.get())) {
                Callers.set(caller, session.get());
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

    /**
     * Whether a post comes from a page of this server: its Origin (or, from browsers that send none, its
     * Referer) names the host the request was sent to. A request with neither is no browser's cross-site
     * form; the CSRF token still guards it.
     */
    static boolean sameOrigin(ContainerRequestContext request)
    {
        String origin = request.getHeaderString("Origin");
        if (origin == null || origin.isBlank()) {
            origin = request.getHeaderString("Referer");
            if (origin == null || origin.isBlank()) {
                return true;
            }
        }
        String host = request.getHeaderString(HttpHeaders.HOST);
        if (host == null || host.isBlank()) {
            host = request.getUriInfo().getBaseUri().getRawAuthority();
        }
        try {
            URI uri = new URI(origin.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getRawAuthority() != null && uri.getRawAuthority().equalsIgnoreCase(host.strip());
        }
        catch (URISyntaxException e) {
            return false; // "null" and other opaque origins
        }
    }
}
