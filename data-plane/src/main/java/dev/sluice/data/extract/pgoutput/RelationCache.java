package dev.sluice.data.extract.pgoutput;

import dev.sluice.data.extract.pgoutput.PgOutputMessage.Relation;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.TypeInfo;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The latest {@link Relation} (and {@link TypeInfo}) seen on a replication stream, by id.
 * <p>
 * Postgres sends a relation before the first change to its table on a connection and again after
 * the table's shape changes (ALTER TABLE), so a change always decodes against the latest relation
 * with its id. A new connection starts with an empty cache: the server sends every relation again.
 */
public final class RelationCache
{
    private final Map<Integer, Relation> relations = new ConcurrentHashMap<>();
    private final Map<Integer, TypeInfo> types = new ConcurrentHashMap<>();

    /** Remembers relations and types; other messages are ignored. */
    public void accept(PgOutputMessage message)
    {
        requireNonNull(message, "message is null");
        if (message instanceof Relation relation) {
            put(relation);
        }
        else if (message instanceof TypeInfo type) {
            types.put(type.typeOid(), type);
        }
    }

    /** Remembers the relation, replacing an older one with the same id. */
    public void put(Relation relation)
    {
        requireNonNull(relation, "relation is null");
        relations.put(relation.relationId(), relation);
    }

    public Optional<Relation> get(int relationId)
    {
        return Optional.ofNullable(relations.get(relationId));
    }

    /**
     * The relation a change refers to.
     *
     * @throws PgOutputException if no relation with that id was seen: the protocol promises one
     * before the first change, so a miss means messages were lost or decoded out of order
     */
    public Relation require(int relationId)
    {
        Relation relation = relations.get(relationId);
        if (relation == null) {
            throw new PgOutputException("change for relation " + Integer.toUnsignedString(relationId) + " arrived before its relation message");
        }
        return relation;
    }

    public Optional<TypeInfo> type(int typeOid)
    {
        return Optional.ofNullable(types.get(typeOid));
    }

    public void clear()
    {
        relations.clear();
        types.clear();
    }
}
