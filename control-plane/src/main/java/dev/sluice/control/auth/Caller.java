package dev.sluice.control.auth;

import dev.sluice.core.id.AccountId;
import dev.sluice.store.token.Scope;

import java.security.Principal;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** Who is calling: the operator, or an account's token with its scopes. */
public sealed interface Caller
        extends Principal
{
    /** The operator, who manages accounts and nothing inside them. */
    record Operator()
            implements Caller
    {
        @Override
        public String getName()
        {
            return "operator";
        }
    }

    /** An account's API token. */
    record AccountToken(AccountId accountId, String accountName, String tokenId, Set<Scope> scopes)
            implements Caller
    {
        public AccountToken
        {
            requireNonNull(accountId, "accountId is null");
            requireNonNull(accountName, "accountName is null");
            requireNonNull(tokenId, "tokenId is null");
            scopes = Set.copyOf(requireNonNull(scopes, "scopes is null"));
        }

        @Override
        public String getName()
        {
            return accountId.value();
        }
    }
}
