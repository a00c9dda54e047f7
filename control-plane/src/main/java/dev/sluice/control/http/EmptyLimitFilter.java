package dev.sluice.control.http;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

import java.util.List;

/**
 * Refuses {@code ?limit=} with no value: JAX-RS reads an empty integer parameter as absent, so it would
 * silently mean the default page size although it is not an integer.
 */
public final class EmptyLimitFilter
        implements ContainerRequestFilter
{
    private static final String MESSAGE = "expected an integer from 1 to 200; leave limit out for pages of 50";

    @Override
    public void filter(ContainerRequestContext request)
    {
        List<String> limits = request.getUriInfo().getQueryParameters().get("limit");
        if (limits != null && limits.stream().anyMatch(String::isBlank)) {
            throw new SluiceException(ErrorCode.MALFORMED_REQUEST, "limit: " + MESSAGE, List.of(new SluiceException.FieldError("limit", MESSAGE)), null);
        }
    }
}
