package dev.sluice.control.token;

import dev.sluice.control.Lookup;
import dev.sluice.control.Names;
import dev.sluice.control.idempotency.Idempotency;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.core.secret.Tokens;
import dev.sluice.store.Page;
import dev.sluice.store.Store;
import dev.sluice.store.token.ApiToken;
import dev.sluice.store.token.Scope;
import dev.sluice.store.token.TokenDao;
import org.jdbi.v3.core.Handle;

import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** API tokens of an account: created with a secret shown once, stored hashed, revoked by deletion. */
public final class TokenService
{
    private final Store store;
    private final Idempotency idempotency;

    public TokenService(Store store, Idempotency idempotency)
    {
        this.store = requireNonNull(store, "store is null");
        this.idempotency = requireNonNull(idempotency, "idempotency is null");
    }

    public CreatedToken create(AccountId accountId, Optional<String> idempotencyKey, String name, Set<Scope> scopes, Object request)
    {
        Names.check(ResourceKind.TOKEN, name);
        return idempotency.create(accountId.value(), idempotencyKey, "createToken", request, CreatedToken.class,
                handle -> createInTransaction(handle, accountId, name, scopes));
    }

    /** Creates a token in the caller's transaction (also used when an account is created). */
    public static CreatedToken createInTransaction(Handle handle, AccountId accountId, String name, Set<Scope> scopes)
    {
        String id = ResourceKind.TOKEN.newId();
        String secret = Tokens.newSecret();
        TokenDao tokens = handle.attach(TokenDao.class);
        Names.unique(ResourceKind.TOKEN, name, () -> {
            tokens.insert(accountId, id, name, scopes.stream().map(Scope::value).sorted().toArray(String[]::new), Tokens.hash(secret), Tokens.displayPrefix(secret));
            return null;
        });
        return new CreatedToken(tokens.findById(accountId, id).orElseThrow(), secret);
    }

    public ApiToken get(AccountId accountId, String idOrName)
    {
        return store.withHandle(handle -> {
            TokenDao tokens = handle.attach(TokenDao.class);
            return Lookup.find(ResourceKind.TOKEN, idOrName, id -> tokens.findById(accountId, id), name -> tokens.findByName(accountId, name));
        });
    }

    public Page<ApiToken> list(AccountId accountId, String after, int limit)
    {
        return Page.of(store.onDemand(TokenDao.class).list(accountId, after, limit + 1), limit, ApiToken::id);
    }

    public void revoke(AccountId accountId, String idOrName)
    {
        store.useTransaction(handle -> {
            TokenDao tokens = handle.attach(TokenDao.class);
            ApiToken token = Lookup.find(ResourceKind.TOKEN, idOrName, id -> tokens.findById(accountId, id), name -> tokens.findByName(accountId, name));
            tokens.delete(accountId, token.id());
        });
    }
}
