package dev.sluice.core.filter;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The filter examples of docs/messages.md: every documented filter parses, every documented refusal says what the page says. */
class FilterReferenceTest
{
    private static final Path PAGE = Path.of("..", "docs", "messages.md");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern REFUSAL = Pattern.compile("^- `([^`]+)` → `([^`]+)`.*$");

    @Test
    void everyDocumentedFilterParses()
            throws IOException
    {
        List<String> examples = new ArrayList<>();
        for (String line : section("filters")) {
            Matcher code = CODE.matcher(line);
            while (code.find()) {
                examples.add(code.group(1));
            }
        }
        assertThat(examples).hasSizeGreaterThan(50);
        for (String example : examples) {
            assertThatNoException().as(example).isThrownBy(() -> Filter.parse(example));
        }
    }

    @Test
    void everyDocumentedRefusalSaysWhatThePageSays()
            throws IOException
    {
        List<String> lines = section("refusals");
        assertThat(lines).hasSizeGreaterThan(15);
        for (String line : lines) {
            Matcher refusal = REFUSAL.matcher(line);
            assertThat(refusal.matches()).as("a refusal line: %s", line).isTrue();
            assertThatThrownBy(() -> Filter.parse(refusal.group(1)))
                    .as(refusal.group(1))
                    .isInstanceOf(FilterException.class)
                    .hasMessageStartingWith(refusal.group(2));
        }
    }

    private static List<String> section(String name)
            throws IOException
    {
        List<String> lines = Files.readAllLines(PAGE);
        int start = lines.indexOf("<!-- " + name + ":begin -->");
        int end = lines.indexOf("<!-- " + name + ":end -->");
        assertThat(start).as("start of %s in %s", name, PAGE).isNotNegative();
        return lines.subList(start + 1, end).stream().filter(line -> line.startsWith("- ")).toList();
    }
}
