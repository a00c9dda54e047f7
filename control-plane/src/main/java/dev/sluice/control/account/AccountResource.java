package dev.sluice.control.account;

import dev.sluice.api.AccountsApi;
import dev.sluice.api.model.AccountCreate;
import dev.sluice.api.model.AccountCreated;
import dev.sluice.api.model.AccountList;
import dev.sluice.control.Dtos;
import dev.sluice.control.Lookup;
import dev.sluice.control.auth.Callers;
import dev.sluice.control.token.TokenResource;
import dev.sluice.store.Page;
import dev.sluice.store.account.Account;
import jakarta.ws.rs.core.Response;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The operator's account API. */
public final class AccountResource
        implements AccountsApi
{
    private final AccountService accounts;

    public AccountResource(AccountService accounts)
    {
        this.accounts = requireNonNull(accounts, "accounts is null");
    }

    @Override
    public Response createAccount(AccountCreate request, String idempotencyKey)
    {
        Callers.operator();
        AccountService.CreatedAccount created = accounts.create(Optional.ofNullable(idempotencyKey), request.getName(), request);
        AccountCreated body = new AccountCreated(toDto(created.account()), TokenResource.toCreatedDto(created.token()));
        return Response.status(Response.Status.CREATED).entity(body).build();
    }

    @Override
    public Response listAccounts(Integer limit, String after)
    {
        Callers.operator();
        Page<Account> page = accounts.list(Lookup.after(after), Lookup.limit(limit));
        AccountList body = new AccountList(page.items().stream().map(AccountResource::toDto).toList());
        body.setNextCursor(page.nextCursor().orElse(null));
        return Response.ok(body).build();
    }

    @Override
    public Response getAccount(String accountId)
    {
        Callers.operator();
        return Response.ok(toDto(accounts.get(accountId))).build();
    }

    @Override
    public Response disableAccount(String accountId)
    {
        Callers.operator();
        return Response.ok(toDto(accounts.setActive(accountId, false))).build();
    }

    @Override
    public Response enableAccount(String accountId)
    {
        Callers.operator();
        return Response.ok(toDto(accounts.setActive(accountId, true))).build();
    }

    static dev.sluice.api.model.Account toDto(Account account)
    {
        return new dev.sluice.api.model.Account(
                account.id().value(),
                account.name(),
                account.active() ? dev.sluice.api.model.Account.StatusEnum.ACTIVE : dev.sluice.api.model.Account.StatusEnum.DISABLED,
                Dtos.time(account.createdAt()));
    }
}
