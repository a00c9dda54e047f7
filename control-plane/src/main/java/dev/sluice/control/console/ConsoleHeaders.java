package dev.sluice.control.console;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * Browser protections for console pages: scripts only from the console itself, no framing, no referrer
 * leaking ids to other sites, and pages (which show tenant data) never kept in shared caches.
 */
public final class ConsoleHeaders
        implements ContainerResponseFilter
{
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response)
    {
        String path = request.getUriInfo().getPath();
        if (!path.equals("console") && !path.startsWith("console/") && !path.startsWith("/console")) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        headers.putSingle("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
        headers.putSingle("X-Frame-Options", "DENY");
        headers.putSingle("X-Content-Type-Options", "nosniff");
        // same-origin: no referrer to other sites, while the console's own form posts keep their true Origin
        // (under no-referrer a browser sends "Origin: null", which the cross-site check must refuse)
        headers.putSingle("Referrer-Policy", "same-origin");
        if (!path.contains("static/")) {
            headers.putSingle("Cache-Control", "no-store");
        }
    }
}
