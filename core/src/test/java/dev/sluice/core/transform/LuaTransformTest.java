package dev.sluice.core.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LuaTransformTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void reshapesAMessage()
            throws Exception
    {
        LuaTransform transform = LuaTransform.compile("""
                function transform(action, record, changes, metadata)
                  local tags = {}
                  for i, tag in ipairs(record.tags) do tags[i] = string.upper(tag) end
                  return { op = action, id = record.id, total = record.amount * 2, tags = tags,
                           was = changes and changes.status, table_name = metadata.table_name }
                end
                """);
        JsonNode result = transform.apply("update", JSON.readTree("{\"id\": 7, \"amount\": 10.5, \"tags\": [\"a\", \"b\"]}"),
                JSON.readTree("{\"status\": \"new\"}"), JSON.readTree("{\"table_name\": \"orders\"}"));
        assertThat(result.path("op").asText()).isEqualTo("update");
        assertThat(result.path("id").asLong()).isEqualTo(7);
        assertThat(result.path("total").asLong()).isEqualTo(21);
        assertThat(result.path("tags").toString()).isEqualTo("[\"A\",\"B\"]");
        assertThat(result.path("was").asText()).isEqualTo("new");
        assertThat(result.path("table_name").asText()).isEqualTo("orders");
    }

    @Test
    void nilChangesAndScalarResultsWork()
            throws Exception
    {
        LuaTransform transform = LuaTransform.compile("function transform(action, record, changes) if changes == nil then return 'none' end return 1 end");
        assertThat(transform.apply("insert", JSON.readTree("{}"), null, JSON.readTree("{}")).asText()).isEqualTo("none");
    }

    @Test
    void aSyntaxErrorNamesItsLine()
    {
        assertThatThrownBy(() -> LuaTransform.compile("function transform(a, r)\n  return r +\nend"))
                .isInstanceOf(TransformException.class)
                .hasMessageContaining("line 3");
    }

    @Test
    void theCodeMustDefineTransform()
    {
        assertThatThrownBy(() -> LuaTransform.compile("local x = 1"))
                .isInstanceOf(TransformException.class)
                .hasMessageContaining("function transform(action, record, changes, metadata)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "io.open('/etc/passwd')", "os.execute('id')", "os.exit(1)", "require('os')", "load('return 1')()", "dofile('/etc/passwd')",
            "loadfile('/etc/passwd')", "debug.getinfo(1)", "string.dump(transform)", "package.loadlib('x', 'y')", "luajava.bindClass('java.lang.System')",
            "collectgarbage()"})
    void escapesFromTheSandboxFail(String escape)
    {
        LuaTransform transform = LuaTransform.compile("function transform(action, record) return " + escape + " end");
        assertThatThrownBy(() -> transform.apply("insert", JSON.createObjectNode(), null, JSON.createObjectNode()))
                .isInstanceOf(TransformException.class)
                .hasMessageStartingWith("the transform failed");
    }

    @Test
    void anEndlessLoopIsStoppedAndPcallCannotCatchIt()
    {
        LuaTransform transform = LuaTransform.compile("function transform(action, record) while true do end end");
        assertThatThrownBy(() -> transform.apply("insert", JSON.createObjectNode(), null, JSON.createObjectNode()))
                .isInstanceOf(TransformException.class)
                .hasMessageContaining("Lua instructions");
        LuaTransform sneaky = LuaTransform.compile("function transform(action, record) pcall(function() while true do end end) return 'escaped' end");
        assertThatThrownBy(() -> sneaky.apply("insert", JSON.createObjectNode(), null, JSON.createObjectNode()))
                .hasMessageContaining("Lua instructions");
        assertThatThrownBy(() -> LuaTransform.compile("while true do end function transform() end"))
                .hasMessageContaining("Lua instructions");
    }

    @Test
    void hugeStringsAreRefused()
    {
        LuaTransform transform = LuaTransform.compile("function transform(action, record) return string.rep('x', 1e9) end");
        assertThatThrownBy(() -> transform.apply("insert", JSON.createObjectNode(), null, JSON.createObjectNode()))
                .isInstanceOf(TransformException.class)
                .hasMessageContaining("string.rep");
    }

    @Test
    void aRuntimeErrorIsReportedWithItsMessage()
    {
        LuaTransform transform = LuaTransform.compile("function transform(action, record) error('no customer for ' .. record.id) end");
        assertThatThrownBy(() -> transform.apply("insert", JSON.createObjectNode().put("id", 9), null, JSON.createObjectNode()))
                .isInstanceOf(TransformException.class)
                .hasMessageContaining("no customer for 9");
        LuaTransform function = LuaTransform.compile("function transform(action, record) return function() end end");
        assertThatThrownBy(() -> function.apply("insert", JSON.createObjectNode(), null, JSON.createObjectNode()))
                .hasMessageContaining("no JSON form");
    }
}
