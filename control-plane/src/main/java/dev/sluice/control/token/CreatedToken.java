package dev.sluice.control.token;

import dev.sluice.store.token.ApiToken;

import static java.util.Objects.requireNonNull;

/** A token just created, with its secret: the only time the secret exists outside the caller. */
public record CreatedToken(ApiToken token, String secret)
{
    public CreatedToken
    {
        requireNonNull(token, "token is null");
        requireNonNull(secret, "secret is null");
    }
}
