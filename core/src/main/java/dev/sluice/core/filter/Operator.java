package dev.sluice.core.filter;

/** The operators on text, JSON and arrays a filter may use, beside comparisons and arithmetic. */
public enum Operator
{
    /** {@code ||}: text concatenation (a non-text operand is printed as text), {@code jsonb} concatenation, or array concatenation. */
    CONCATENATE("||"),
    /** {@code @>}: the left {@code jsonb} or array contains the right one. */
    CONTAINS("@>"),
    /** {@code <@}: the left {@code jsonb} or array is contained in the right one. */
    CONTAINED_BY("<@"),
    /** {@code &&}: the arrays have an element in common. */
    OVERLAPS("&&"),
    /** {@code ?}: the text is a top-level key of the {@code jsonb} object, or a string element of the array. */
    HAS_KEY("?"),
    /** {@code ?|}: any of the texts is a top-level key or string element. */
    HAS_ANY_KEY("?|"),
    /** {@code ?&}: all of the texts are top-level keys or string elements. */
    HAS_ALL_KEYS("?&");

    private final String sql;

    Operator(String sql)
    {
        this.sql = sql;
    }

    /** The operator as it is written in SQL. */
    public String sql()
    {
        return sql;
    }

    static Operator fromSql(String text)
    {
        for (Operator operator : values()) {
            if (operator.sql.equals(text)) {
                return operator;
            }
        }
        return null;
    }
}
