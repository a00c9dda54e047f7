package dev.sluice.control.token;

import dev.sluice.api.TokensApi;
import dev.sluice.api.model.ApiTokenCreate;
import dev.sluice.api.model.ApiTokenCreated;
import dev.sluice.api.model.ApiTokenList;
import dev.sluice.control.Dtos;
import dev.sluice.control.Lookup;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.store.Page;
import dev.sluice.store.token.ApiToken;
import dev.sluice.store.token.Scope;
import jakarta.ws.rs.core.Response;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** The account's API tokens. */
public final class TokenResource
        implements TokensApi
{
    private final TokenService tokens;

    public TokenResource(TokenService tokens)
    {
        this.tokens = requireNonNull(tokens, "tokens is null");
    }

    @Override
    public Response createToken(ApiTokenCreate request, String idempotencyKey)
    {
        Caller.AccountToken caller = Callers.manage();
        Set<Scope> scopes = request.getScopes().stream()
                .map(scope -> Scope.fromValue(scope.toString()))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
        CreatedToken created = tokens.create(caller.accountId(), Optional.ofNullable(idempotencyKey), request.getName(), scopes, request);
        return Response.status(Response.Status.CREATED).entity(toCreatedDto(created)).build();
    }

    @Override
    public Response listTokens(Integer limit, String after)
    {
        Caller.AccountToken caller = Callers.read();
        Page<ApiToken> page = tokens.list(caller.accountId(), Lookup.after(after), Lookup.limit(limit));
        ApiTokenList body = new ApiTokenList(page.items().stream().map(TokenResource::toDto).toList());
        body.setNextCursor(page.nextCursor().orElse(null));
        return Response.ok(body).build();
    }

    @Override
    public Response getToken(String tokenId)
    {
        Caller.AccountToken caller = Callers.read();
        return Response.ok(toDto(tokens.get(caller.accountId(), tokenId))).build();
    }

    @Override
    public Response revokeToken(String tokenId)
    {
        Caller.AccountToken caller = Callers.manage();
        tokens.revoke(caller.accountId(), tokenId);
        return Response.noContent().build();
    }

    static dev.sluice.api.model.ApiToken toDto(ApiToken token)
    {
        dev.sluice.api.model.ApiToken dto = new dev.sluice.api.model.ApiToken(token.id(), token.name(), scopes(token.scopes()), Dtos.time(token.createdAt()));
        dto.setPrefix(token.prefix());
        dto.setLastUsedAt(Dtos.time(token.lastUsedAt()));
        return dto;
    }

    public static ApiTokenCreated toCreatedDto(CreatedToken created)
    {
        ApiToken token = created.token();
        ApiTokenCreated dto = new ApiTokenCreated(token.id(), token.name(), scopes(token.scopes()), Dtos.time(token.createdAt()), created.secret());
        dto.setPrefix(token.prefix());
        return dto;
    }

    public static List<dev.sluice.api.model.Scope> scopes(Set<Scope> scopes)
    {
        return scopes.stream()
                .sorted(Comparator.naturalOrder())
                .map(scope -> dev.sluice.api.model.Scope.fromValue(scope.value()))
                .toList();
    }
}
