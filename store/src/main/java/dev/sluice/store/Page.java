package dev.sluice.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * One page of a keyset-paginated list, ordered by id; {@code nextCursor} is the last id when more rows follow.
 */
public record Page<T>(List<T> items, Optional<String> nextCursor)
{
    public Page
    {
        items = List.copyOf(requireNonNull(items, "items is null"));
        requireNonNull(nextCursor, "nextCursor is null");
    }

    /** Builds a page from {@code limit + 1} fetched rows: the extra row only says that more follow. */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> id)
    {
        if (fetched.size() > limit) {
            List<T> items = fetched.subList(0, limit);
            return new Page<>(items, Optional.of(id.apply(items.get(items.size() - 1))));
        }
        return new Page<>(fetched, Optional.empty());
    }

    public <R> Page<R> map(Function<T, R> mapper)
    {
        return new Page<>(items.stream().map(mapper).toList(), nextCursor);
    }
}
