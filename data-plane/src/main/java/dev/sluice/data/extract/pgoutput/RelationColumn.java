package dev.sluice.data.extract.pgoutput;

import static java.util.Objects.requireNonNull;

/**
 * One column of a {@link PgOutputMessage.Relation}, in table order (generated and dropped columns
 * are not sent).
 *
 * @param partOfKey whether the column is part of the replica identity key (flag bit 1)
 * @param typeModifier the {@code atttypmod}, -1 when the type has none
 */
public record RelationColumn(boolean partOfKey, String name, int typeOid, int typeModifier)
{
    public RelationColumn
    {
        requireNonNull(name, "name is null");
    }
}
