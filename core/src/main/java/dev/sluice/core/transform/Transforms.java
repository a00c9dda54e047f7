package dev.sluice.core.transform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled transforms by source, one instance per thread (Lua states are not thread-safe). A transform is
 * compiled once per thread, not once per message.
 */
public final class Transforms
{
    private final Map<String, ThreadLocal<LuaTransform>> bySource = new ConcurrentHashMap<>();

    public LuaTransform forThisThread(String source)
    {
        return bySource.computeIfAbsent(source, text -> ThreadLocal.withInitial(() -> LuaTransform.compile(text))).get();
    }
}
