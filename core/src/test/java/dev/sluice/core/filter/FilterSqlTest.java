package dev.sluice.core.filter;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterSqlTest
{
    @Test
    void rendersTheExampleFromTheDesignWithParameters()
    {
        SqlFragment sql = Filter.parse("status = 'paid' AND amount >= 100.5 AND (meta->>'region') IN ('eu','us') AND NOT deleted AND note ILIKE '%urgent%'").toSql();

        assertThat(sql.sql()).isEqualTo("((\"status\" = ?) AND (\"amount\" >= ?) AND ((\"meta\" ->> ?) IN (?, ?)) AND (NOT \"deleted\") AND (\"note\" ILIKE ?))");
        assertThat(sql.parameters()).containsExactly("paid", new BigDecimal("100.5"), "region", "eu", "us", "%urgent%");
    }

    @Test
    void bindsNumbersWithTheTypesPostgresGivesTheSameLiterals()
    {
        SqlFragment sql = Filter.parse("a = 1 AND b = 5000000000 AND c = 123456789012345678901 AND d = 1.50 AND e = TRUE AND f IS NOT NULL AND g = NULL").toSql();

        assertThat(sql.sql()).isEqualTo("((\"a\" = ?) AND (\"b\" = ?) AND (\"c\" = ?) AND (\"d\" = ?) AND (\"e\" = ?) AND (\"f\" IS NOT NULL) AND (\"g\" = NULL))");
        assertThat(sql.parameters()).containsExactly(1, 5_000_000_000L, new BigDecimal("123456789012345678901"), new BigDecimal("1.50"), true);
        assertThat(sql.parameters().get(0)).isInstanceOf(Integer.class);
    }

    @Test
    void neverPutsValuesIntoTheSqlText()
    {
        SqlFragment sql = Filter.parse("name = 'x''; DROP TABLE t; --' OR note LIKE '%/*%' ESCAPE '!'").toSql();

        assertThat(sql.sql()).isEqualTo("((\"name\" = ?) OR (\"note\" LIKE ? ESCAPE ?))");
        assertThat(sql.parameters()).containsExactly("x'; DROP TABLE t; --", "%/*%", "!");
    }

    @Test
    void quotesEveryIdentifier()
    {
        SqlFragment sql = Filter.parse("\"Odd \"\"Name\"\"; DROP TABLE t; --\" = 1 AND Status = 2").toSql();

        assertThat(sql.sql()).isEqualTo("((\"Odd \"\"Name\"\"; DROP TABLE t; --\" = ?) AND (\"status\" = ?))");
    }

    @Test
    void parenthesizesEveryOperation()
    {
        assertThat(sql("a + b * 2 > -c")).isEqualTo("((\"a\" + (\"b\" * ?)) > (- \"c\"))");
        assertThat(sql("a - (b - c) = 0")).isEqualTo("((\"a\" - (\"b\" - \"c\")) = ?)");
        assertThat(sql("NOT a OR b AND c")).isEqualTo("((NOT \"a\") OR (\"b\" AND \"c\"))");
        assertThat(sql("x NOT BETWEEN 1 AND 2")).isEqualTo("(\"x\" NOT BETWEEN ? AND ?)");
        assertThat(sql("x NOT IN (1)")).isEqualTo("(\"x\" NOT IN (?))");
        assertThat(sql("x IS NOT TRUE")).isEqualTo("(\"x\" IS NOT TRUE)");
        assertThat(sql("x IS DISTINCT FROM y")).isEqualTo("(\"x\" IS DISTINCT FROM \"y\")");
        assertThat(sql("x NOT LIKE 'a'")).isEqualTo("(\"x\" NOT LIKE ?)");
    }

    @Test
    void rendersCastsWithCanonicalTypeNames()
    {
        assertThat(sql("x::int4 = 1")).isEqualTo("(CAST(\"x\" AS integer) = ?)");
        assertThat(sql("x::timestamptz > '2024-01-01'")).isEqualTo("(CAST(\"x\" AS timestamp with time zone) > ?)");
        assertThat(sql("x::float8 > 1")).isEqualTo("(CAST(\"x\" AS double precision) > ?)");
        assertThat(sql("x > DATE '2024-01-01'")).isEqualTo("(\"x\" > CAST(? AS date))");
    }

    @Test
    void rendersJsonAccessWithKeysAndIndexesAsParameters()
    {
        SqlFragment sql = Filter.parse("meta->'tags'->>-1 = 'b'").toSql();

        assertThat(sql.sql()).isEqualTo("(((\"meta\" -> ?) ->> ?) = ?)");
        assertThat(sql.parameters()).containsExactly("tags", -1, "b");
    }

    @Test
    void refusesParametersOfUnexpectedTypes()
    {
        assertThatThrownBy(() -> new SqlFragment("?", List.of(new Object())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String sql(String filter)
    {
        return Filter.parse(filter).toSql().sql();
    }

    @Test
    void saysWhereTheColumnsCollationCanChangeTheAnswer()
    {
        assertThat(Filter.parse("status = 'paid' AND name > 'm'").collationNotes()).as("name may be text, so ordering is noted").hasSize(1);
        assertThat(Filter.parse("status = 'paid' AND amount > 10").collationNotes()).as("compared with a number").isEmpty();
        assertThat(Filter.parse("status ILIKE 'ü%' AND name > 'm'").collationNotes()).hasSize(2);
        assertThat(Filter.parse("lower(status) = 'paid'").collationNotes()).singleElement().asString().startsWith("lower, upper and ILIKE");
    }
}
