package dev.sluice.data.extract.pgoutput;

import dev.sluice.data.extract.pgoutput.PgOutputMessage.Relation;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Update;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TupleConverterTest
{
    private static final int RELATION_ID = 16_400;
    private static final Relation ORDERS = new Relation(RELATION_ID, "public", "orders", 'd', List.of(
            new RelationColumn(true, "id", TypeOids.INT8, -1),
            new RelationColumn(false, "total", TypeOids.NUMERIC, -1),
            new RelationColumn(false, "note", TypeOids.TEXT, -1)));

    private final TupleConverter converter = new TupleConverter(new ValueConverter());

    @Test
    void convertsRowToJsonInTableOrder()
    {
        JsonRow row = converter.toJson(ORDERS, tuple("1", "10.50", null));

        assertThat(row.values().toString()).isEqualTo("{\"id\":1,\"total\":10.50,\"note\":null}");
        assertThat(row.isComplete()).isTrue();
    }

    @Test
    void leavesOutAndReportsUnchangedToastWithoutFullOldRow()
    {
        Update update = new Update(RELATION_ID, Optional.empty(), Optional.empty(), TupleData.of(text("1"), text("2"), ColumnValue.UNCHANGED_TOAST));

        JsonRow row = converter.newRowToJson(ORDERS, update);

        assertThat(row.values().toString()).isEqualTo("{\"id\":1,\"total\":2}");
        assertThat(row.unchangedToastColumns()).containsExactly("note");
        assertThat(row.isComplete()).isFalse();
    }

    @Test
    void fillsUnchangedToastFromFullOldRow()
    {
        Update update = new Update(RELATION_ID, Optional.of(OldTupleKind.FULL_ROW), Optional.of(tuple("1", "1", "long text")),
                TupleData.of(text("1"), text("2"), ColumnValue.UNCHANGED_TOAST));

        JsonRow row = converter.newRowToJson(ORDERS, update);

        assertThat(row.values().toString()).isEqualTo("{\"id\":1,\"total\":2,\"note\":\"long text\"}");
        assertThat(row.isComplete()).isTrue();
    }

    @Test
    void neverFillsFromAnOldKeyWhoseOtherColumnsAreNull()
    {
        Update update = new Update(RELATION_ID, Optional.of(OldTupleKind.KEY), Optional.of(tuple("1", null, null)),
                TupleData.of(text("2"), text("2"), ColumnValue.UNCHANGED_TOAST));

        JsonRow row = converter.newRowToJson(ORDERS, update);

        assertThat(row.unchangedToastColumns()).containsExactly("note");
    }

    @Test
    void changesFromFullOldRowListOnlyChangedColumns()
    {
        Update update = new Update(RELATION_ID, Optional.of(OldTupleKind.FULL_ROW), Optional.of(tuple("1", "1.00", "long text")),
                TupleData.of(text("1"), text("2.00"), ColumnValue.UNCHANGED_TOAST));

        assertThat(converter.changes(ORDERS, update)).map(Object::toString).contains("{\"total\":1.00}");
    }

    @Test
    void changesFromOldKeyListOnlyKeyColumns()
    {
        Update update = new Update(RELATION_ID, Optional.of(OldTupleKind.KEY), Optional.of(tuple("1", null, null)), tuple("2", "5", "x"));

        assertThat(converter.changes(ORDERS, update)).map(Object::toString).contains("{\"id\":1}");
    }

    @Test
    void noChangesWithoutOldTuple()
    {
        Update update = new Update(RELATION_ID, Optional.empty(), Optional.empty(), tuple("2", "5", "x"));

        assertThat(converter.changes(ORDERS, update)).isEmpty();
    }

    @Test
    void convertsRowToJavaValues()
    {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", 1L);
        expected.put("total", new BigDecimal("10.50"));
        expected.put("note", null);

        assertThat(converter.toJava(ORDERS, tuple("1", "10.50", null))).containsExactlyEntriesOf(expected);
        assertThat(converter.toJava(ORDERS, TupleData.of(text("1"), ColumnValue.NULL, ColumnValue.UNCHANGED_TOAST))).containsOnlyKeys("id", "total");
    }

    @Test
    void refusesTupleThatDoesNotMatchTheRelation()
    {
        assertThatThrownBy(() -> converter.toJson(ORDERS, tuple("1", "2")))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("tuple has 2 columns but relation public.orders has 3");
        Update otherTable = new Update(RELATION_ID + 1, Optional.empty(), Optional.empty(), tuple("1", "2", "3"));
        assertThatThrownBy(() -> converter.newRowToJson(ORDERS, otherTable)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesBinaryValues()
    {
        assertThatThrownBy(() -> converter.toJson(ORDERS, TupleData.of(new ColumnValue.Binary(new byte[] {1}), ColumnValue.NULL, ColumnValue.NULL)))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("binary format");
    }

    private static ColumnValue text(String value)
    {
        return new ColumnValue.Text(value);
    }

    private static TupleData tuple(String... texts)
    {
        return new TupleData(Arrays.stream(texts).map(text -> text == null ? ColumnValue.NULL : text(text)).toList());
    }
}
