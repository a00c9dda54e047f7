package dev.sluice.data.extract.pgoutput;

import dev.sluice.core.Lsn;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Begin;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Commit;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Delete;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Insert;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.LogicalMessage;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Origin;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Relation;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.StreamAbort;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.StreamCommit;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.StreamStart;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.StreamStop;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Truncate;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.TypeInfo;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Update;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Decodes the payload of one replication {@code XLogData} message sent by the {@code pgoutput}
 * plugin, protocol version 1 or 2, with values in text format (or binary when that option is on).
 * <p>
 * Stateful and not thread-safe: in protocol 2 it tracks whether it is inside a block of streamed
 * changes, because messages in such a block carry an extra transaction id. Use one decoder per
 * replication stream, and feed it every message of that stream in order.
 */
public final class PgOutputDecoder
{
    /** Seconds from the Unix epoch to the Postgres epoch, 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
    private static final int TRUNCATE_CASCADE = 1;
    private static final int TRUNCATE_RESTART_IDENTITY = 2;

    private final int protocolVersion;
    private boolean inStream;

    public PgOutputDecoder(int protocolVersion)
    {
        if (protocolVersion < 1 || protocolVersion > 2) {
            throw new IllegalArgumentException("pgoutput protocol version must be 1 or 2, not " + protocolVersion);
        }
        this.protocolVersion = protocolVersion;
    }

    public int protocolVersion()
    {
        return protocolVersion;
    }

    /**
     * Decodes one message from the buffer's remaining bytes, which must hold exactly one message.
     * The buffer's position is left unchanged.
     *
     * @throws PgOutputException if the bytes are not a well-formed message of the negotiated protocol
     */
    public PgOutputMessage decode(ByteBuffer buffer)
    {
        requireNonNull(buffer, "buffer is null");
        ByteBuffer input = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (!input.hasRemaining()) {
            throw new PgOutputException("empty pgoutput message");
        }
        byte type = input.get();
        PgOutputMessage message;
        try {
            message = decode(type, input);
        }
        catch (BufferUnderflowException e) {
            throw new PgOutputException("truncated pgoutput message of type " + PgOutputException.describe(type), e);
        }
        if (input.hasRemaining()) {
            throw new PgOutputException(input.remaining() + " unexpected bytes after pgoutput message of type " + PgOutputException.describe(type));
        }
        return message;
    }

    private PgOutputMessage decode(byte type, ByteBuffer input)
    {
        return switch (type) {
            case 'B' -> new Begin(readLsn(input), readTimestamp(input), readXid(input));
            case 'C' -> decodeCommit(input);
            case 'O' -> new Origin(readLsn(input), readString(input));
            case 'R' -> decodeRelation(input);
            case 'Y' -> decodeType(input);
            case 'I' -> decodeInsert(input);
            case 'U' -> decodeUpdate(input);
            case 'D' -> decodeDelete(input);
            case 'T' -> decodeTruncate(input);
            case 'M' -> decodeLogicalMessage(input);
            case 'S' -> decodeStreamStart(input);
            case 'E' -> decodeStreamStop();
            case 'c' -> decodeStreamCommit(input);
            case 'A' -> decodeStreamAbort(input);
            case 'b', 'P', 'K', 'r', 'p' -> throw new PgOutputException("pgoutput message of type " + PgOutputException.describe(type)
                    + " belongs to two-phase commit (protocol version 3), which was not negotiated");
            default -> throw new PgOutputException("unknown pgoutput message type " + PgOutputException.describe(type));
        };
    }

    private static Commit decodeCommit(ByteBuffer input)
    {
        input.get(); // flags, unused
        return new Commit(readLsn(input), readLsn(input), readTimestamp(input));
    }

    private Relation decodeRelation(ByteBuffer input)
    {
        OptionalLong streamedXid = readStreamedXid(input);
        int relationId = input.getInt();
        String schema = readString(input);
        String table = readString(input);
        char replicaIdentity = (char) (input.get() & 0xff);
        int columnCount = Short.toUnsignedInt(input.getShort());
        List<RelationColumn> columns = new ArrayList<>(columnCount);
        for (int index = 0; index < columnCount; index++) {
            int flags = input.get();
            String name = readString(input);
            int typeOid = input.getInt();
            int typeModifier = input.getInt();
            columns.add(new RelationColumn((flags & 1) != 0, name, typeOid, typeModifier));
        }
        return new Relation(relationId, schema, table, replicaIdentity, columns, streamedXid);
    }

    private TypeInfo decodeType(ByteBuffer input)
    {
        OptionalLong streamedXid = readStreamedXid(input);
        int typeOid = input.getInt();
        String schema = readString(input);
        String name = readString(input);
        return new TypeInfo(typeOid, schema, name, streamedXid);
    }

    private Insert decodeInsert(ByteBuffer input)
    {
        OptionalLong streamedXid = readStreamedXid(input);
        int relationId = input.getInt();
        expect(input, 'N', "insert");
        return new Insert(relationId, readTuple(input), streamedXid);
    }

    private Update decodeUpdate(ByteBuffer input)
    {
        OptionalLong streamedXid = readStreamedXid(input);
        int relationId = input.getInt();
        byte marker = input.get();
        Optional<OldTupleKind> oldTupleKind = Optional.empty();
        Optional<TupleData> oldTuple = Optional.empty();
        if (OldTupleKind.isCode(marker)) {
            oldTupleKind = Optional.of(OldTupleKind.fromCode(marker));
            oldTuple = Optional.of(readTuple(input));
            marker = input.get();
        }
        if (marker != 'N') {
            throw new PgOutputException("update: expected 'N' for the new tuple, found " + PgOutputException.describe(marker));
        }
        return new Update(relationId, oldTupleKind, oldTuple, readTuple(input), streamedXid);
    }

    private Delete decodeDelete(ByteBuffer input)
    {
        OptionalLong streamedXid = readStreamedXid(input);
        int relationId = input.getInt();
        byte marker = input.get();
        if (!OldTupleKind.isCode(marker)) {
            throw new PgOutputException("delete: expected 'K' or 'O' for the old tuple, found " + PgOutputException.describe(marker));
        }
        return new Delete(relationId, OldTupleKind.fromCode(marker), readTuple(input), streamedXid);
    }

    private Truncate decodeTruncate(ByteBuffer input)
    {
        OptionalLong streamedXid = readStreamedXid(input);
        int relationCount = input.getInt();
        if (relationCount < 0 || relationCount > input.remaining() / Integer.BYTES) {
            throw new PgOutputException("truncate: bad relation count " + relationCount);
        }
        int options = input.get();
        List<Integer> relationIds = new ArrayList<>(relationCount);
        for (int index = 0; index < relationCount; index++) {
            relationIds.add(input.getInt());
        }
        return new Truncate((options & TRUNCATE_CASCADE) != 0, (options & TRUNCATE_RESTART_IDENTITY) != 0, relationIds, streamedXid);
    }

    private LogicalMessage decodeLogicalMessage(ByteBuffer input)
    {
        OptionalLong streamedXid = readStreamedXid(input);
        boolean transactional = (input.get() & 1) != 0;
        Lsn lsn = readLsn(input);
        String prefix = readString(input);
        byte[] content = readBytes(input, "logical message content");
        return new LogicalMessage(transactional, lsn, prefix, content, streamedXid);
    }

    private StreamStart decodeStreamStart(ByteBuffer input)
    {
        requireStreaming('S');
        if (inStream) {
            throw new PgOutputException("stream start inside a block of streamed changes");
        }
        long xid = readXid(input);
        boolean firstSegment = input.get() == 1;
        inStream = true;
        return new StreamStart(xid, firstSegment);
    }

    private StreamStop decodeStreamStop()
    {
        requireStreaming('E');
        if (!inStream) {
            throw new PgOutputException("stream stop outside a block of streamed changes");
        }
        inStream = false;
        return new StreamStop();
    }

    private StreamCommit decodeStreamCommit(ByteBuffer input)
    {
        requireStreaming('c');
        long xid = readXid(input);
        input.get(); // flags, unused
        return new StreamCommit(xid, readLsn(input), readLsn(input), readTimestamp(input));
    }

    private StreamAbort decodeStreamAbort(ByteBuffer input)
    {
        requireStreaming('A');
        return new StreamAbort(readXid(input), readXid(input));
    }

    private void requireStreaming(char type)
    {
        if (protocolVersion < 2) {
            throw new PgOutputException("pgoutput message of type '" + type + "' needs protocol version 2, but version " + protocolVersion + " was negotiated");
        }
    }

    private OptionalLong readStreamedXid(ByteBuffer input)
    {
        // Inside a stream block the server prefixes these messages with the (sub)transaction id.
        return inStream ? OptionalLong.of(readXid(input)) : OptionalLong.empty();
    }

    private static TupleData readTuple(ByteBuffer input)
    {
        int columnCount = Short.toUnsignedInt(input.getShort());
        List<ColumnValue> columns = new ArrayList<>(columnCount);
        for (int index = 0; index < columnCount; index++) {
            byte kind = input.get();
            ColumnValue value = switch (kind) {
                case 'n' -> ColumnValue.NULL;
                case 'u' -> ColumnValue.UNCHANGED_TOAST;
                case 't' -> new ColumnValue.Text(new String(readBytes(input, "column value"), StandardCharsets.UTF_8));
                case 'b' -> new ColumnValue.Binary(readBytes(input, "column value"));
                default -> throw new PgOutputException("unknown tuple column kind " + PgOutputException.describe(kind) + " in column " + index);
            };
            columns.add(value);
        }
        return new TupleData(columns);
    }

    private static void expect(ByteBuffer input, char expected, String messageName)
    {
        byte actual = input.get();
        if (actual != expected) {
            throw new PgOutputException(messageName + ": expected '" + expected + "', found " + PgOutputException.describe(actual));
        }
    }

    private static byte[] readBytes(ByteBuffer input, String what)
    {
        int length = input.getInt();
        if (length < 0 || length > input.remaining()) {
            throw new PgOutputException(what + ": length " + length + " exceeds the " + input.remaining() + " bytes left");
        }
        byte[] bytes = new byte[length];
        input.get(bytes);
        return bytes;
    }

    private static String readString(ByteBuffer input)
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            byte next = input.get();
            if (next == 0) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
            bytes.write(next);
        }
    }

    private static long readXid(ByteBuffer input)
    {
        return Integer.toUnsignedLong(input.getInt());
    }

    private static Lsn readLsn(ByteBuffer input)
    {
        return Lsn.valueOf(input.getLong());
    }

    private static Instant readTimestamp(ByteBuffer input)
    {
        long microseconds = input.getLong();
        return Instant.ofEpochSecond(
                POSTGRES_EPOCH_SECONDS + Math.floorDiv(microseconds, 1_000_000L),
                Math.floorMod(microseconds, 1_000_000L) * 1_000L);
    }
}
