package dev.sluice.control.account;

import dev.sluice.api.MeApi;
import dev.sluice.api.model.Me;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.control.token.TokenResource;
import jakarta.ws.rs.core.Response;

/** Who the caller's token belongs to; any scope may ask. */
public final class MeResource
        implements MeApi
{
    @Override
    public Response getMe()
    {
        Caller.AccountToken caller = Callers.account();
        return Response.ok(new Me(caller.accountId().value(), caller.accountName(), caller.tokenId(), TokenResource.scopes(caller.scopes()))).build();
    }
}
