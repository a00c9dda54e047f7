package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.data.Setting;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.ConfigurationParsingException;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The configuration reference in {@code docs/operations.md} against the settings' declarations: a setting added
 * without its row, a row whose default or description differs from the declaration, or a key of the configuration
 * file that is not a declared setting fails here.
 */
class ConfigurationReferenceTest
{
    private static final Path GUIDE = Path.of("..", "docs", "operations.md");
    /** Dropwizard's own sections: documented by hand, not declared as settings. */
    private static final Set<String> DROPWIZARD_SECTIONS = Set.of("database", "server", "logging", "metrics", "admin", "health");
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)`.*\\|$", Pattern.DOTALL);
    private static final Pattern CODE = Pattern.compile("^`([^`]+)`");

    private final ObjectMapper mapper = Jackson.newObjectMapper();

    @Test
    void everySettingHasItsRowInTheOperationsGuide()
            throws IOException
    {
        List<String> rows = referenceRows();
        for (Setting<?> setting : declared()) {
            assertThat(rows).as("the row of %s in %s (the declaration is the source: copy it from there)", setting, GUIDE)
                    .contains(row(setting));
        }
    }

    @Test
    void theOperationsGuideDocumentsOnlyDeclaredSettings()
            throws IOException
    {
        Set<String> names = names(declared());
        for (String line : referenceRows()) {
            String key = ROW.matcher(line).replaceFirst("$1");
            if (!DROPWIZARD_SECTIONS.contains(key.split("\\.", -1)[0])) {
                assertThat(names).as("a setting %s documents", GUIDE).contains(key);
            }
        }
    }

    @Test
    void everyKeyOfTheConfigurationFileIsADeclaredSetting()
    {
        Set<String> keys = new TreeSet<>();
        flatten("", mapper.valueToTree(new SluiceConfiguration()), keys);
        assertThat(keys).containsExactlyInAnyOrderElementsOf(names(declared()));
    }

    @Test
    void aDocumentedDefaultReadFromAConfigurationFileIsTheDefault()
            throws Exception
    {
        JsonNode defaults = mapper.valueToTree(new SluiceConfiguration());
        for (Setting<?> setting : declared()) {
            Matcher code = CODE.matcher(setting.documentedDefault());
            if (setting.defaultValue() == null) {
                assertThat(defaults.at(pointer(setting)).isNull()).as("%s is unset by default", setting).isTrue();
                continue;
            }
            assertThat(code.find()).as("the documented default of %s is a value", setting).isTrue();
            SluiceConfiguration read = parse(yaml(setting.name(), code.group(1)));
            assertThat(mapper.valueToTree(read).at(pointer(setting))).as("%s: %s", setting, setting.documentedDefault())
                    .isEqualTo(defaults.at(pointer(setting)));
        }
    }

    @Test
    void anUnknownKeyIsStillRefused()
    {
        assertThatThrownBy(() -> parse("dataPlane:\n  batchMesages: 5\n"))
                .isInstanceOf(ConfigurationParsingException.class)
                .hasMessageContaining("batchMesages");
    }

    @Test
    void aValueAgainstItsSettingsRuleStopsTheProcessNamingTheSetting()
            throws Exception
    {
        SluiceConfiguration configuration = parse("dataPlane:\n  batchMessages: 0\n  pushConcurrency: 5000\nrateLimit:\n  burst: -1\n");
        assertThat(ConfigurationCheck.problems(configuration, true)).containsExactlyInAnyOrder(
                "rateLimit.burst (-1) must be zero or more",
                "dataPlane.batchMessages (0) must be from 1 to 100000",
                "dataPlane.pushConcurrency (5000) must be from 1 to 1000");
    }

    private static List<Setting<?>> declared()
    {
        List<Setting<?>> settings = new ArrayList<>(SluiceConfiguration.SETTINGS);
        settings.addAll(DataPlaneFactory.SETTINGS);
        return settings;
    }

    private static Set<String> names(List<Setting<?>> settings)
    {
        Set<String> names = new TreeSet<>();
        settings.forEach(setting -> names.add(setting.name()));
        return names;
    }

    private static String row(Setting<?> setting)
    {
        return "| `" + setting.name() + "` | " + setting.documentedDefault() + " | " + setting.description() + " |";
    }

    /** The rows of the guide's configuration reference, each naming its setting in its first cell. */
    private static List<String> referenceRows()
            throws IOException
    {
        List<String> rows = new ArrayList<>();
        boolean inReference = false;
        for (String line : Files.readAllLines(GUIDE, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                inReference = line.equals("## Configuration reference");
            }
            else if (inReference && ROW.matcher(line).matches()) {
                rows.add(line);
            }
        }
        assertThat(rows).as("the configuration reference of %s", GUIDE).isNotEmpty();
        return rows;
    }

    private static String pointer(Setting<?> setting)
    {
        return "/" + setting.name().replace('.', '/');
    }

    private static String yaml(String name, String value)
    {
        String[] path = name.split("\\.", -1);
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < path.length; i++) {
            yaml.append("  ".repeat(i)).append(path[i]).append(':').append(i == path.length - 1 ? " " + value : "").append('\n');
        }
        return yaml.toString();
    }

    private SluiceConfiguration parse(String yaml)
            throws Exception
    {
        // the factory the application reads its file with (it refuses unknown keys)
        ConfigurationFactory<SluiceConfiguration> factory = new DefaultConfigurationFactoryFactory<SluiceConfiguration>()
                .create(SluiceConfiguration.class, Validators.newValidator(), mapper, "dw");
        return factory.build(path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "sluice.yml");
    }

    private static void flatten(String prefix, JsonNode node, Set<String> keys)
    {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            if (prefix.isEmpty() && DROPWIZARD_SECTIONS.contains(key)) {
                continue;
            }
            if (field.getValue().isObject()) {
                flatten(key + ".", field.getValue(), keys);
            }
            else {
                keys.add(key);
            }
        }
    }
}
