package dev.sluice.control.account;

import dev.sluice.api.MeApi;
import dev.sluice.api.model.Me;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.token.TokenResource;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/** Who the caller's token belongs to; any scope may ask. */
public final class MeResource
        implements MeApi
{
    @Context
    private SecurityContext security;

    @Override
    public Response getMe()
    {
        if (!(security.getUserPrincipal() instanceof Caller.AccountToken caller)) {
            throw new SluiceException(ErrorCode.INSUFFICIENT_SCOPE, "the operator token belongs to no account");
        }
        return Response.ok(new Me(caller.accountId().value(), caller.accountName(), caller.tokenId(), TokenResource.scopes(caller.scopes()))).build();
    }
}
