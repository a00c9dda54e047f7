package dev.sluice.core.id;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The tenant. Every tenant-scoped service and DAO method takes one as its first parameter.
 */
public record AccountId(String value)
        implements ResourceId
{
    public AccountId
    {
        ResourceKind.ACCOUNT.check(value);
    }

    public static AccountId generate()
    {
        return new AccountId(ResourceKind.ACCOUNT.newId());
    }

    /** Unlike the other ids, an account id is an object in stored JSON ({@code {"value": "acc_..."}}), as it always was. */
    @JsonValue(false)
    @Override
    public String value()
    {
        return value;
    }

    @Override
    public String toString()
    {
        return value;
    }
}
