package dev.sluice.control.endpoint;

import dev.sluice.api.HttpEndpointsApi;
import dev.sluice.api.model.HttpEndpointCreate;
import dev.sluice.api.model.HttpEndpointList;
import dev.sluice.api.model.HttpEndpointUpdate;
import dev.sluice.control.Dtos;
import dev.sluice.control.Lookup;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.store.Page;
import dev.sluice.store.endpoint.HttpEndpoint;
import jakarta.ws.rs.core.Response;

import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/** HTTP endpoints: where push consumers deliver. */
public final class HttpEndpointResource
        implements HttpEndpointsApi
{
    private final HttpEndpointService endpoints;

    public HttpEndpointResource(HttpEndpointService endpoints)
    {
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
    }

    @Override
    public Response createHttpEndpoint(HttpEndpointCreate request, String idempotencyKey)
    {
        Caller.AccountToken caller = Callers.manage();
        HttpEndpointService.EndpointInput input = new HttpEndpointService.EndpointInput(Optional.of(request.getName()), Optional.of(request.getUrl().trim()),
                Optional.ofNullable(request.getHeaders()), Optional.ofNullable(request.getSecretHeaders()), Optional.ofNullable(request.getSigningSecret()));
        HttpEndpointService.CreatedEndpoint created = endpoints.create(caller.accountId(), Optional.ofNullable(idempotencyKey), input, request);
        return Response.status(Response.Status.CREATED).entity(toDto(created)).build();
    }

    @Override
    public Response listHttpEndpoints(Integer limit, String after)
    {
        Caller.AccountToken caller = Callers.read();
        Page<HttpEndpoint> page = endpoints.list(caller.accountId(), Lookup.after(after), Lookup.limit(limit));
        HttpEndpointList body = new HttpEndpointList(page.items().stream().map(HttpEndpointResource::toDto).toList());
        body.setNextCursor(page.nextCursor().orElse(null));
        return Response.ok(body).build();
    }

    @Override
    public Response getHttpEndpoint(String endpointId)
    {
        Caller.AccountToken caller = Callers.read();
        return Response.ok(toDto(endpoints.get(caller.accountId(), endpointId))).build();
    }

    @Override
    public Response updateHttpEndpoint(String endpointId, HttpEndpointUpdate request)
    {
        Caller.AccountToken caller = Callers.manage();
        HttpEndpointService.EndpointInput changes = new HttpEndpointService.EndpointInput(Optional.ofNullable(request.getName()),
                Optional.ofNullable(request.getUrl()).map(String::trim), Optional.ofNullable(request.getHeaders()),
                Optional.ofNullable(request.getSecretHeaders()), Optional.ofNullable(request.getSigningSecret()));
        return Response.ok(toDto(endpoints.update(caller.accountId(), endpointId, changes))).build();
    }

    @Override
    public Response rotateHttpEndpointSigningSecret(String endpointId)
    {
        Caller.AccountToken caller = Callers.manage();
        return Response.ok(toDto(endpoints.rotateSigningSecret(caller.accountId(), endpointId))).build();
    }

    @Override
    public Response deleteHttpEndpoint(String endpointId)
    {
        Caller.AccountToken caller = Callers.manage();
        endpoints.delete(caller.accountId(), endpointId);
        return Response.noContent().build();
    }

    private static dev.sluice.api.model.HttpEndpoint toDto(HttpEndpointService.CreatedEndpoint created)
    {
        dev.sluice.api.model.HttpEndpoint dto = toDto(created.endpoint());
        dto.setSigningSecret(created.signingSecret().orElse(null));
        return dto;
    }

    static dev.sluice.api.model.HttpEndpoint toDto(HttpEndpoint endpoint)
    {
        return new dev.sluice.api.model.HttpEndpoint(endpoint.id(), endpoint.name(), endpoint.url(), new TreeMap<>(endpoint.headers()),
                endpoint.secretHeaderNames(), endpoint.signingSecretEncrypted().isPresent(), Dtos.time(endpoint.createdAt()), Dtos.time(endpoint.updatedAt()));
    }
}
