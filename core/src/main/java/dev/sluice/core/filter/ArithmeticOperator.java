package dev.sluice.core.filter;

/** The arithmetic operators a filter may use on numbers; {@code %} is the remainder, with the sign of the dividend. */
public enum ArithmeticOperator
{
    ADD("+"),
    SUBTRACT("-"),
    MULTIPLY("*"),
    DIVIDE("/"),
    MODULO("%");

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
