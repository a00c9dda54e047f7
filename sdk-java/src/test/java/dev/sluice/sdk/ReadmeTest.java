package dev.sluice.sdk;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java example of the README is a file that compiles and that ReadmeExampleIT runs: they must not drift apart. */
class ReadmeTest
{
    static final Path README = Path.of("..", "README.md");
    static final Path EXAMPLE = Path.of("src", "test", "java", "dev", "sluice", "sdk", "readme", "PrintOrders.java");

    private static final Pattern JAVA_SECTION = Pattern.compile("(?ms)^## Java\\n(.*?)(?=^## )");
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");

    @Test
    void theReadmeShowsTheExampleAsItIs()
            throws IOException
    {
        Matcher section = JAVA_SECTION.matcher(Files.readString(README));
        assertThat(section.find()).as("README.md has a '## Java' section").isTrue();
        Matcher block = JAVA_BLOCK.matcher(section.group(1));
        assertThat(block.find()).as("the Java section has a java code block").isTrue();

        assertThat(block.group(1)).isEqualTo(withoutPackage(Files.readString(EXAMPLE)));
    }

    /** The file as a reader would write it: everything after its package declaration. */
    private static String withoutPackage(String source)
    {
        assertThat(source).startsWith("package dev.sluice.sdk.readme;\n\n");
        return source.substring("package dev.sluice.sdk.readme;\n\n".length());
    }
}
