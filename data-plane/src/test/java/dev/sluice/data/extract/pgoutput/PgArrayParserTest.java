package dev.sluice.data.extract.pgoutput;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgArrayParserTest
{
    @Test
    void parsesFlatArrayWithNull()
    {
        assertThat(PgArrayParser.parse("{1,2,NULL}")).isEqualTo(Arrays.asList("1", "2", null));
    }

    @Test
    void parsesEmptyArray()
    {
        assertThat(PgArrayParser.parse("{}")).isEmpty();
    }

    @Test
    void parsesQuotedElementsWithEscapes()
    {
        assertThat(PgArrayParser.parse("{\"a b\",\"c\\\"d\",\"back\\\\slash\",\"\",\"{,}\",\"NULL\",null}"))
                .isEqualTo(Arrays.asList("a b", "c\"d", "back\\slash", "", "{,}", "NULL", null));
    }

    @Test
    void parsesNonAsciiElements()
    {
        assertThat(PgArrayParser.parse("{żółć,\"日本 語\",🙂}")).containsExactly("żółć", "日本 語", "🙂");
    }

    @Test
    void parsesNestedArrays()
    {
        assertThat(PgArrayParser.parse("{{1,2},{3,NULL}}")).isEqualTo(List.of(List.of("1", "2"), Arrays.asList("3", null)));
        assertThat(PgArrayParser.parse("{{{a}},{{b}}}")).isEqualTo(List.of(List.of(List.of("a")), List.of(List.of("b"))));
    }

    @Test
    void skipsDimensionDecoration()
    {
        assertThat(PgArrayParser.parse("[0:1]={5,6}")).containsExactly("5", "6");
        assertThat(PgArrayParser.parse("[0:1][1:2]={{1,2},{3,4}}")).isEqualTo(List.of(List.of("1", "2"), List.of("3", "4")));
    }

    @Test
    void acceptsWhatArrayInputAccepts()
    {
        assertThat(PgArrayParser.parse(" { a , \"b\" , c\\,d , \\NULL } ")).containsExactly("a", "b", "c,d", "NULL");
    }

    @Test
    void refusesMalformedArrays()
    {
        for (String text : List.of("", "1,2", "{1,2", "{1,,2}", "{\"a}", "{1}x", "{a\"b}", "[1:2]{1,2}")) {
            assertThatThrownBy(() -> PgArrayParser.parse(text))
                    .as(text)
                    .isInstanceOf(PgOutputException.class)
                    .hasMessageContaining("malformed array");
        }
    }
}
