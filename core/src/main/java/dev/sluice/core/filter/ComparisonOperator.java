package dev.sluice.core.filter;

/** The comparison operators a filter may use; {@code !=} is parsed as {@link #NOT_EQUAL}. */
public enum ComparisonOperator
{
    EQUAL("="),
    NOT_EQUAL("<>"),
    LESS_THAN("<"),
    LESS_THAN_OR_EQUAL("<="),
    GREATER_THAN(">"),
    GREATER_THAN_OR_EQUAL(">=");

    private final String sql;

    ComparisonOperator(String sql)
    {
        this.sql = sql;
    }

    /** The operator as it is written in SQL. */
    public String sql()
    {
        return sql;
    }

    /** Whether {@code left <operator> right} holds, given {@code Integer.signum(compare(left, right))}. */
    boolean test(int comparison)
    {
        return switch (this) {
            case EQUAL -> comparison == 0;
            case NOT_EQUAL -> comparison != 0;
            case LESS_THAN -> comparison < 0;
            case LESS_THAN_OR_EQUAL -> comparison <= 0;
            case GREATER_THAN -> comparison > 0;
            case GREATER_THAN_OR_EQUAL -> comparison >= 0;
        };
    }

    /** Whether only equality is needed, which some types (such as JSON) support without an ordering. */
    boolean isEquality()
    {
        return this == EQUAL || this == NOT_EQUAL;
    }
}
