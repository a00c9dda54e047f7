package dev.sluice.data.extract.pgoutput;

import dev.sluice.core.Lsn;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * One decoded message of the {@code pgoutput} logical replication protocol (versions 1 and 2).
 * <p>
 * Messages that may belong to a streamed in-progress transaction (protocol 2, between
 * {@link StreamStart} and {@link StreamStop}) carry that (sub)transaction's id in
 * {@code streamedXid}; outside a stream it is empty. Relation and type ids are Postgres OIDs,
 * unsigned 32-bit values kept in an {@code int} bit for bit.
 */
public sealed interface PgOutputMessage
{
    /**
     * {@code 'B'}: a transaction starts. Its changes follow, then its {@link Commit}.
     *
     * @param finalLsn the LSN of the transaction's commit record
     */
    record Begin(Lsn finalLsn, Instant commitTime, long xid)
            implements PgOutputMessage
    {
        public Begin
        {
            requireNonNull(finalLsn, "finalLsn is null");
            requireNonNull(commitTime, "commitTime is null");
        }
    }

    /**
     * {@code 'C'}: the transaction announced by the last {@link Begin} is complete.
     *
     * @param commitLsn the LSN of the commit record (the {@link Begin#finalLsn()})
     * @param endLsn the end of the commit record: the position to confirm once the transaction
     * is durable downstream, so that the server does not send it again
     */
    record Commit(Lsn commitLsn, Lsn endLsn, Instant commitTime)
            implements PgOutputMessage
    {
        public Commit
        {
            requireNonNull(commitLsn, "commitLsn is null");
            requireNonNull(endLsn, "endLsn is null");
            requireNonNull(commitTime, "commitTime is null");
        }
    }

    /** {@code 'O'}: the transaction was replicated into this server from the named origin. */
    record Origin(Lsn originCommitLsn, String name)
            implements PgOutputMessage
    {
        public Origin
        {
            requireNonNull(originCommitLsn, "originCommitLsn is null");
            requireNonNull(name, "name is null");
        }
    }

    /**
     * {@code 'R'}: the shape of a table, sent before its first change on the connection and again
     * after its schema changes. It replaces any earlier relation with the same id.
     *
     * @param schema the namespace; Postgres sends an empty string for {@code pg_catalog}
     * @param replicaIdentity {@code pg_class.relreplident}: {@code 'd'} default (primary key),
     * {@code 'n'} nothing, {@code 'f'} full, {@code 'i'} index
     */
    record Relation(int relationId, String schema, String table, char replicaIdentity, List<RelationColumn> columns, OptionalLong streamedXid)
            implements PgOutputMessage
    {
        public Relation
        {
            requireNonNull(schema, "schema is null");
            requireNonNull(table, "table is null");
            columns = List.copyOf(requireNonNull(columns, "columns is null"));
            requireNonNull(streamedXid, "streamedXid is null");
        }

        public Relation(int relationId, String schema, String table, char replicaIdentity, List<RelationColumn> columns)
        {
            this(relationId, schema, table, replicaIdentity, columns, OptionalLong.empty());
        }

        public boolean hasFullReplicaIdentity()
        {
            return replicaIdentity == 'f';
        }

        public List<RelationColumn> keyColumns()
        {
            return columns.stream().filter(RelationColumn::partOfKey).toList();
        }

        public Optional<RelationColumn> column(String name)
        {
            return columns.stream().filter(column -> column.name().equals(name)).findFirst();
        }
    }

    /** {@code 'Y'}: the name of a type that is not built in (enum, domain, composite, extension type). */
    record TypeInfo(int typeOid, String schema, String name, OptionalLong streamedXid)
            implements PgOutputMessage
    {
        public TypeInfo
        {
            requireNonNull(schema, "schema is null");
            requireNonNull(name, "name is null");
            requireNonNull(streamedXid, "streamedXid is null");
        }

        public TypeInfo(int typeOid, String schema, String name)
        {
            this(typeOid, schema, name, OptionalLong.empty());
        }
    }

    /** {@code 'I'}: a row was inserted. */
    record Insert(int relationId, TupleData newTuple, OptionalLong streamedXid)
            implements PgOutputMessage
    {
        public Insert
        {
            requireNonNull(newTuple, "newTuple is null");
            requireNonNull(streamedXid, "streamedXid is null");
        }

        public Insert(int relationId, TupleData newTuple)
        {
            this(relationId, newTuple, OptionalLong.empty());
        }
    }

    /**
     * {@code 'U'}: a row was updated. The old tuple is sent when the table has REPLICA IDENTITY
     * FULL ({@link OldTupleKind#FULL_ROW}) or when the update changed the replica identity key
     * ({@link OldTupleKind#KEY}); otherwise both optionals are empty. Columns of the new tuple may
     * be {@link ColumnValue.UnchangedToast}.
     */
    record Update(int relationId, Optional<OldTupleKind> oldTupleKind, Optional<TupleData> oldTuple, TupleData newTuple, OptionalLong streamedXid)
            implements PgOutputMessage
    {
        public Update
        {
            requireNonNull(oldTupleKind, "oldTupleKind is null");
            requireNonNull(oldTuple, "oldTuple is null");
            requireNonNull(newTuple, "newTuple is null");
            requireNonNull(streamedXid, "streamedXid is null");
            if (oldTupleKind.isPresent() != oldTuple.isPresent()) {
                throw new IllegalArgumentException("oldTupleKind and oldTuple must be both present or both empty");
            }
        }

        public Update(int relationId, Optional<OldTupleKind> oldTupleKind, Optional<TupleData> oldTuple, TupleData newTuple)
        {
            this(relationId, oldTupleKind, oldTuple, newTuple, OptionalLong.empty());
        }
    }

    /**
     * {@code 'D'}: a row was deleted. The old tuple holds the replica identity key
     * ({@link OldTupleKind#KEY}, other columns null) or the whole row ({@link OldTupleKind#FULL_ROW}).
     */
    record Delete(int relationId, OldTupleKind oldTupleKind, TupleData oldTuple, OptionalLong streamedXid)
            implements PgOutputMessage
    {
        public Delete
        {
            requireNonNull(oldTupleKind, "oldTupleKind is null");
            requireNonNull(oldTuple, "oldTuple is null");
            requireNonNull(streamedXid, "streamedXid is null");
        }

        public Delete(int relationId, OldTupleKind oldTupleKind, TupleData oldTuple)
        {
            this(relationId, oldTupleKind, oldTuple, OptionalLong.empty());
        }
    }

    /** {@code 'T'}: tables were truncated (one message for all tables of one TRUNCATE statement). */
    record Truncate(boolean cascade, boolean restartIdentity, List<Integer> relationIds, OptionalLong streamedXid)
            implements PgOutputMessage
    {
        public Truncate
        {
            relationIds = List.copyOf(requireNonNull(relationIds, "relationIds is null"));
            requireNonNull(streamedXid, "streamedXid is null");
        }

        public Truncate(boolean cascade, boolean restartIdentity, List<Integer> relationIds)
        {
            this(cascade, restartIdentity, relationIds, OptionalLong.empty());
        }
    }

    /**
     * {@code 'M'}: a message written with {@code pg_logical_emit_message}. A transactional message
     * arrives inside its transaction; a non-transactional one arrives on its own, at once.
     * Sent only when the {@code messages} option is on (Postgres 14 and newer).
     */
    record LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content, OptionalLong streamedXid)
            implements PgOutputMessage
    {
        public LogicalMessage
        {
            requireNonNull(lsn, "lsn is null");
            requireNonNull(prefix, "prefix is null");
            content = requireNonNull(content, "content is null").clone();
            requireNonNull(streamedXid, "streamedXid is null");
        }

        public LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content)
        {
            this(transactional, lsn, prefix, content, OptionalLong.empty());
        }

        @Override
        public byte[] content()
        {
            return content.clone();
        }

        /** The content decoded as UTF-8. */
        public String contentText()
        {
            return new String(content, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object other)
        {
            return other instanceof LogicalMessage message
                    && message.transactional == transactional
                    && message.lsn.equals(lsn)
                    && message.prefix.equals(prefix)
                    && Arrays.equals(message.content, content)
                    && message.streamedXid.equals(streamedXid);
        }

        @Override
        public int hashCode()
        {
            return ((Boolean.hashCode(transactional) * 31 + lsn.hashCode()) * 31 + prefix.hashCode()) * 31 + Arrays.hashCode(content);
        }

        @Override
        public String toString()
        {
            return "LogicalMessage[transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix
                    + ", content=" + content.length + " bytes, streamedXid=" + streamedXid + "]";
        }
    }

    /** {@code 'S'} (protocol 2): a block of changes of an in-progress transaction starts. */
    record StreamStart(long xid, boolean firstSegment)
            implements PgOutputMessage {}

    /** {@code 'E'} (protocol 2): the current block of streamed changes ends. */
    record StreamStop()
            implements PgOutputMessage {}

    /** {@code 'c'} (protocol 2): a streamed transaction committed; its blocks may now be applied. */
    record StreamCommit(long xid, Lsn commitLsn, Lsn endLsn, Instant commitTime)
            implements PgOutputMessage
    {
        public StreamCommit
        {
            requireNonNull(commitLsn, "commitLsn is null");
            requireNonNull(endLsn, "endLsn is null");
            requireNonNull(commitTime, "commitTime is null");
        }
    }

    /**
     * {@code 'A'} (protocol 2): a streamed transaction, or one of its subtransactions, aborted;
     * discard its streamed changes ({@code subtransactionXid == xid} for the whole transaction).
     */
    record StreamAbort(long xid, long subtransactionXid)
            implements PgOutputMessage {}
}
