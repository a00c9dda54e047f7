package dev.sluice.data.extract.pgoutput;

import java.util.Arrays;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The columns of one row as sent in an insert, update or delete, in the order of the
 * {@link PgOutputMessage.Relation} that precedes it.
 */
public record TupleData(List<ColumnValue> columns)
{
    public TupleData
    {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }

    public static TupleData of(ColumnValue... columns)
    {
        return new TupleData(Arrays.asList(columns));
    }

    public int size()
    {
        return columns.size();
    }

    public ColumnValue column(int index)
    {
        return columns.get(index);
    }

    public boolean hasUnchangedToast()
    {
        return columns.stream().anyMatch(ColumnValue.UnchangedToast.class::isInstance);
    }
}
