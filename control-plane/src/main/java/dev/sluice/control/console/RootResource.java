package dev.sluice.control.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/** A browser that opens the server's address lands in the console. */
@Path("/")
public final class RootResource
{
    @GET
    public Response root()
    {
        return Response.seeOther(URI.create("/console")).build();
    }
}
