package dev.sluice.core.id;

import static java.util.Objects.requireNonNull;

/**
 * The tenant. Every tenant-scoped service and DAO method takes one as its first parameter.
 */
public record AccountId(String value)
        implements ResourceId
{
    public AccountId
    {
        requireNonNull(value, "value is null");
        if (!ResourceKind.ACCOUNT.isId(value)) {
            throw new IllegalArgumentException("not an account id: " + value);
        }
    }

    public static AccountId generate()
    {
        return new AccountId(ResourceKind.ACCOUNT.newId());
    }

    @Override
    public String toString()
    {
        return value;
    }
}
