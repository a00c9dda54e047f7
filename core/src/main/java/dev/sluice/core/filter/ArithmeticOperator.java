package dev.sluice.core.filter;

/** The arithmetic operators a filter may use on numbers. */
public enum ArithmeticOperator
{
    ADD("+"),
    SUBTRACT("-"),
    MULTIPLY("*"),
    DIVIDE("/");

    private final String sql;

    ArithmeticOperator(String sql)
    {
        this.sql = sql;
    }

    /** The operator as it is written in SQL. */
    public String sql()
    {
        return sql;
    }
}
