package dev.sluice.control.account;

import dev.sluice.control.Lookup;
import dev.sluice.control.Names;
import dev.sluice.control.idempotency.Idempotency;
import dev.sluice.control.token.CreatedToken;
import dev.sluice.control.token.TokenService;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.store.Page;
import dev.sluice.store.Store;
import dev.sluice.store.account.Account;
import dev.sluice.store.account.AccountDao;
import dev.sluice.store.token.Scope;

import java.util.EnumSet;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Accounts, managed by the operator. A new account comes with a first token that may do everything. */
public final class AccountService
{
    public static final String OPERATOR_SCOPE = "operator";
    public static final String FIRST_TOKEN_NAME = "admin";

    private final Store store;
    private final Idempotency idempotency;

    public AccountService(Store store, Idempotency idempotency)
    {
        this.store = requireNonNull(store, "store is null");
        this.idempotency = requireNonNull(idempotency, "idempotency is null");
    }

    public CreatedAccount create(Optional<String> idempotencyKey, String name, Object request)
    {
        Names.check(ResourceKind.ACCOUNT, name);
        return idempotency.create(OPERATOR_SCOPE, idempotencyKey, "createAccount", request, CreatedAccount.class, handle -> {
            AccountId id = AccountId.generate();
            AccountDao accounts = handle.attach(AccountDao.class);
            Names.unique(ResourceKind.ACCOUNT, name, () -> {
                accounts.insert(id, name);
                return null;
            });
            CreatedToken token = TokenService.createInTransaction(handle, id, FIRST_TOKEN_NAME, EnumSet.allOf(Scope.class));
            return new CreatedAccount(accounts.findById(id.value()).orElseThrow(), token);
        });
    }

    public Account get(String idOrName)
    {
        AccountDao accounts = store.onDemand(AccountDao.class);
        return Lookup.find(ResourceKind.ACCOUNT, idOrName, accounts::findById, accounts::findByName);
    }

    public Page<Account> list(String after, int limit)
    {
        return Page.of(store.onDemand(AccountDao.class).list(after, limit + 1), limit, account -> account.id().value());
    }

    public Account setActive(String idOrName, boolean active)
    {
        return store.inTransaction(handle -> {
            AccountDao accounts = handle.attach(AccountDao.class);
            Account account = Lookup.find(ResourceKind.ACCOUNT, idOrName, accounts::findById, accounts::findByName);
            accounts.setStatus(account.id(), active ? "active" : "disabled");
            return accounts.findById(account.id().value()).orElseThrow();
        });
    }

    /** An account just created with its first token. */
    public record CreatedAccount(Account account, CreatedToken token)
    {
        public CreatedAccount
        {
            requireNonNull(account, "account is null");
            requireNonNull(token, "token is null");
        }
    }
}
