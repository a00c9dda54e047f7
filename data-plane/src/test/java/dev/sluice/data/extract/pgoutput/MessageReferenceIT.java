package dev.sluice.data.extract.pgoutput;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The type table of docs/messages.md against real output: each documented value is printed by a real
 * Postgres in the text form pgoutput sends, converted as extraction converts it, and must serialize to
 * the JSON the page shows.
 */
class MessageReferenceIT
{
    private static final Path PAGE = Path.of("..", "docs", "messages.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)`[^|]* \\| `(.+)` \\| `(.+)` \\|$");

    @Test
    void everyDocumentedValueArrivesAsTheDocumentedJson()
            throws Exception
    {
        List<String> lines = Files.readAllLines(PAGE);
        List<String> rows = lines.subList(lines.indexOf("<!-- types:begin -->") + 1, lines.indexOf("<!-- types:end -->"));
        assertThat(rows).hasSizeGreaterThan(30);
        ObjectMapper json = ValueConverter.newObjectMapper();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create type mood as enum ('happy', 'sad')");
            statement.execute("create domain positive_int as integer check (value > 0)");
            ValueConverter converter = new ValueConverter(new PgTypeCatalog(connection));
            for (String row : rows) {
                Matcher matcher = ROW.matcher(row);
                assertThat(matcher.matches()).as("a row of the type table: %s", row).isTrue();
                String type = matcher.group(1);
                String value = matcher.group(2);
                String documented = matcher.group(3);
                try (ResultSet result = statement.executeQuery("select (" + value + ")::" + type + ", '" + type + "'::regtype::oid")) {
                    assertThat(result.next()).isTrue();
                    // the type's output function, as pgoutput sends it (a simple query reads every column as text)
                    String text = result.getString(1);
                    int oid = (int) result.getLong(2);
                    assertThat(json.writeValueAsString(converter.toJson(oid, text)))
                            .as("%s %s (Postgres prints %s)", type, value, text)
                            .isEqualTo(documented);
                }
            }
        }
    }
}
