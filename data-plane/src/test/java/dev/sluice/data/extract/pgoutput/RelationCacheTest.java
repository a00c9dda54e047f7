package dev.sluice.data.extract.pgoutput;

import dev.sluice.core.Lsn;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Origin;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Relation;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.TypeInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelationCacheTest
{
    private final RelationCache cache = new RelationCache();

    @Test
    void aNewerRelationReplacesTheOlderOne()
    {
        Relation before = new Relation(1, "public", "t", 'd', List.of(new RelationColumn(true, "id", TypeOids.INT4, -1)));
        Relation after = new Relation(1, "public", "t", 'd', List.of(
                new RelationColumn(true, "id", TypeOids.INT4, -1),
                new RelationColumn(false, "added", TypeOids.TEXT, -1)));

        cache.accept(before);
        cache.accept(after);

        assertThat(cache.require(1)).isEqualTo(after);
    }

    @Test
    void remembersTypesAndIgnoresOtherMessages()
    {
        cache.accept(new TypeInfo(70_000, "public", "mood"));
        cache.accept(new Origin(Lsn.valueOf(1), "elsewhere"));

        assertThat(cache.type(70_000)).map(TypeInfo::name).contains("mood");
        assertThat(cache.get(1)).isEmpty();
    }

    @Test
    void aChangeBeforeItsRelationIsAnError()
    {
        assertThatThrownBy(() -> cache.require(-2))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("relation 4294967294 arrived before its relation message");
    }

    @Test
    void clearForgetsEverything()
    {
        cache.put(new Relation(1, "public", "t", 'd', List.of()));
        cache.clear();

        assertThat(cache.get(1)).isEmpty();
    }
}
