package dev.sluice.core.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.MathLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;

import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A consumer's Lua transform: the source defines {@code function transform(action, record, changes, metadata)}
 * and its return value (any JSON-able value) is the message's {@code transformed} field.
 *
 * <p>Sandbox: only the base functions that cannot reach outside ({@code io}, {@code os}, {@code require},
 * {@code load}, {@code loadfile}, {@code dofile}, {@code debug}, {@code collectgarbage} and {@code string.dump}
 * are absent), {@code string}, {@code table} and {@code math}. Every call has an instruction budget, and
 * strings built by {@code string.rep} or returned are capped, which bounds the memory a call can take.
 * Lua numbers are doubles: a transform that touches a number beyond 2^53 or an exact decimal sees it rounded.
 *
 * <p>Not thread-safe: use one instance per thread ({@link #copy()}).
 */
public final class LuaTransform
{
    public static final long DEFAULT_INSTRUCTION_BUDGET = 1_000_000;
    public static final int MAX_STRING_LENGTH = 1 << 20;
    private static final int HOOK_EVERY = 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String source;
    private final long instructionBudget;
    private final Globals globals;
    private final LuaValue function;
    private long instructions;

    private LuaTransform(String source, long instructionBudget)
    {
        this.source = source;
        this.instructionBudget = instructionBudget;
        this.globals = sandbox();
        LuaValue chunk;
        try {
            chunk = globals.load(source, "transform");
        }
        catch (LuaError e) {
            throw new TransformException("Lua does not compile: " + clean(e.getMessage()), e);
        }
        run(() -> chunk.call());
        LuaValue defined = globals.get("transform");
        if (!defined.isfunction()) {
            throw new TransformException("the Lua code must define function transform(action, record, changes, metadata)");
        }
        this.function = defined;
    }

    public static LuaTransform compile(String source)
    {
        return compile(source, DEFAULT_INSTRUCTION_BUDGET);
    }

    public static LuaTransform compile(String source, long instructionBudget)
    {
        requireNonNull(source, "source is null");
        return new LuaTransform(source, instructionBudget);
    }

    /** A fresh instance of the same transform, for another thread. */
    public LuaTransform copy()
    {
        return new LuaTransform(source, instructionBudget);
    }

    public String source()
    {
        return source;
    }

    /** Runs the transform on one message. */
    public JsonNode apply(String action, JsonNode record, JsonNode changes, JsonNode metadata)
    {
        Varargs result = run(() -> function.invoke(LuaValue.varargsOf(new LuaValue[] {
                LuaValue.valueOf(action), toLua(record, 0), toLua(changes, 0), toLua(metadata, 0)})));
        return toJson(result.arg1(), 0);
    }

    private <T> T run(Supplier<T> call)
    {
        instructions = 0;
        try {
            return call.get();
        }
        catch (BudgetExceeded e) {
            throw new TransformException("the transform ran more than " + instructionBudget + " Lua instructions (an endless loop?)");
        }
        catch (LuaError e) {
            throw new TransformException("the transform failed: " + clean(e.getMessage()), e);
        }
        catch (StackOverflowError e) {
            throw new TransformException("the transform recursed too deeply");
        }
    }

    private Globals sandbox()
    {
        Globals sandbox = new Globals();
        sandbox.load(new JseBaseLib());
        sandbox.load(new PackageLib());
        sandbox.load(new StringLib());
        sandbox.load(new TableLib());
        sandbox.load(new MathLib());
        LoadState.install(sandbox);
        LuaC.install(sandbox);
        sandbox.load(new DebugLib());
        LuaTable string = sandbox.get("string").checktable();
        string.set("dump", LuaValue.NIL);
        LuaValue rep = string.get("rep");
        string.set("rep", new VarArgFunction()
        {
            @Override
            public Varargs invoke(Varargs args)
            {
                long length = (long) args.checkjstring(1).length() * Math.max(0, args.checkint(2));
                if (length > MAX_STRING_LENGTH) {
                    throw new LuaError("string.rep result longer than " + MAX_STRING_LENGTH + " characters");
                }
                return rep.invoke(args);
            }
        });
        // the instruction budget: a hook every HOOK_EVERY instructions; the debug library itself stays out of reach
        LuaValue sethook = sandbox.get("debug").get("sethook");
        for (String unsafe : new String[] {"debug", "dofile", "loadfile", "load", "require", "collectgarbage", "print", "package", "module"}) {
            sandbox.set(unsafe, LuaValue.NIL);
        }
        sethook.invoke(LuaValue.varargsOf(new LuaValue[] {new ZeroArgFunction()
        {
            @Override
            public LuaValue call()
            {
                instructions += HOOK_EVERY;
                if (instructions > instructionBudget) {
                    throw new BudgetExceeded();
                }
                return LuaValue.NONE;
            }
        }, LuaValue.EMPTYSTRING, LuaValue.valueOf(HOOK_EVERY)}));
        return sandbox;
    }

    private static LuaValue toLua(JsonNode node, int depth)
    {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return LuaValue.NIL;
        }
        if (depth > 100) {
            throw new TransformException("the message is nested too deeply for the transform");
        }
        if (node.isTextual()) {
            return LuaValue.valueOf(node.asText());
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.asBoolean());
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return LuaValue.valueOf(node.asInt());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.asDouble());
        }
        LuaTable table = new LuaTable();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                table.set(i + 1, toLua(node.get(i), depth + 1));
            }
            return table;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            table.set(field.getKey(), toLua(field.getValue(), depth + 1));
        }
        return table;
    }

    private static JsonNode toJson(LuaValue value, int depth)
    {
        if (depth > 100) {
            throw new TransformException("the transform returned a value nested too deeply (a table that contains itself?)");
        }
        if (value.isnil()) {
            return NODES.nullNode();
        }
        if (value.isboolean()) {
            return NODES.booleanNode(value.toboolean());
        }
        if (value.type() == LuaValue.TNUMBER) {
            double number = value.todouble();
            if (number == Math.rint(number) && Math.abs(number) < 9.007199254740992E15) {
                return NODES.numberNode((long) number);
            }
            if (Double.isNaN(number) || Double.isInfinite(number)) {
                return NODES.textNode(Double.toString(number));
            }
            return NODES.numberNode(number);
        }
        if (value.isstring()) {
            String text = value.tojstring();
            if (text.length() > MAX_STRING_LENGTH) {
                throw new TransformException("the transform returned a string longer than " + MAX_STRING_LENGTH + " characters");
            }
            return NODES.textNode(text);
        }
        if (value.istable()) {
            LuaTable table = value.checktable();
            int length = table.length();
            boolean array = length > 0 && table.keyCount() == length;
            if (array) {
                ArrayNode out = NODES.arrayNode();
                for (int i = 1; i <= length; i++) {
                    out.add(toJson(table.get(i), depth + 1));
                }
                return out;
            }
            ObjectNode out = NODES.objectNode();
            LuaValue key = LuaValue.NIL;
            while (true) {
                Varargs next = table.next(key);
                key = next.arg1();
                if (key.isnil()) {
                    break;
                }
                out.set(key.tojstring(), toJson(next.arg(2), depth + 1));
            }
            return out;
        }
        throw new TransformException("the transform returned a " + value.typename() + ", which has no JSON form");
    }

    private static String clean(String message)
    {
        return message == null ? "error" : message.replace("[string \"transform\"]:", "line ");
    }

    /** Thrown from the instruction hook; an Error so that a script's pcall cannot catch it. */
    private static final class BudgetExceeded
            extends Error
    {
        BudgetExceeded()
        {
            super(null, null, false, false);
        }
    }
}
