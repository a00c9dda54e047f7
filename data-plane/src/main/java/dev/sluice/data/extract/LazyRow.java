package dev.sluice.data.extract;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A row as Java values, converted the first time it is read: only a consumer with a filter reads it, and converting
 * (numbers, timestamps, parsed JSON) costs as much as the message's JSON itself.
 */
final class LazyRow
        extends AbstractMap<String, Object>
{
    private Supplier<Map<String, Object>> convert;
    private Map<String, Object> row;

    LazyRow(Supplier<Map<String, Object>> convert)
    {
        this.convert = requireNonNull(convert, "convert is null");
    }

    private Map<String, Object> row()
    {
        // routing reads a change from one thread (the writer's) at a time; publication to it is by the writer's queue
        if (row == null) {
            row = requireNonNull(convert.get(), "converted row is null");
            convert = null;
        }
        return row;
    }

    @Override
    public Set<Entry<String, Object>> entrySet()
    {
        return row().entrySet();
    }

    @Override
    public Object get(Object key)
    {
        return row().get(key);
    }

    @Override
    public boolean containsKey(Object key)
    {
        return row().containsKey(key);
    }

    @Override
    public Set<String> keySet()
    {
        return row().keySet();
    }

    @Override
    public int size()
    {
        return row().size();
    }
}
