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
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgOutputDecoderTest
{
    private static final Instant COMMIT_TIME = Instant.parse("2024-01-02T03:04:05.123456Z");
    private static final int ORDERS = 16_385;

    private final PgOutputDecoder decoder = new PgOutputDecoder(1);

    @Test
    void decodesBegin()
    {
        ByteBuffer bytes = MessageBytes.type('B').int64(0x16B374D848L).timestamp(COMMIT_TIME).int32(0xFFFF_FFFEL).toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new Begin(Lsn.parse("16/B374D848"), COMMIT_TIME, 4_294_967_294L));
    }

    @Test
    void decodesCommit()
    {
        ByteBuffer bytes = MessageBytes.type('C').byte1(0).int64(0x100L).int64(0x130L).timestamp(COMMIT_TIME).toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new Commit(Lsn.valueOf(0x100), Lsn.valueOf(0x130), COMMIT_TIME));
    }

    @Test
    void decodesTimestampsBeforeThePostgresEpoch()
    {
        Instant before = Instant.parse("1999-12-31T23:59:59.999999Z");
        ByteBuffer bytes = MessageBytes.type('B').int64(1).int64(-1).int32(7).toBuffer();

        assertThat(((Begin) decoder.decode(bytes)).commitTime()).isEqualTo(before);
    }

    @Test
    void decodesOrigin()
    {
        ByteBuffer bytes = MessageBytes.type('O').int64(0x2A).string("upstream").toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new Origin(Lsn.valueOf(0x2A), "upstream"));
    }

    @Test
    void decodesRelationWithKeyFlagsAndNonAsciiNames()
    {
        ByteBuffer bytes = MessageBytes.type('R')
                .int32(ORDERS).string("shop").string("commandes_été").byte1('f')
                .int16(3)
                .byte1(1).string("id").int32(TypeOids.INT8).int32(-1)
                .byte1(0).string("prix €").int32(TypeOids.NUMERIC).int32((12 << 16 | 2) + 4)
                .byte1(0).string("status").int32(70_000).int32(-1)
                .toBuffer();

        Relation relation = (Relation) decoder.decode(bytes);

        assertThat(relation).isEqualTo(new Relation(ORDERS, "shop", "commandes_été", 'f', List.of(
                new RelationColumn(true, "id", TypeOids.INT8, -1),
                new RelationColumn(false, "prix €", TypeOids.NUMERIC, (12 << 16 | 2) + 4),
                new RelationColumn(false, "status", 70_000, -1))));
        assertThat(relation.hasFullReplicaIdentity()).isTrue();
        assertThat(relation.keyColumns()).extracting(RelationColumn::name).containsExactly("id");
        assertThat(relation.column("status")).map(RelationColumn::typeOid).contains(70_000);
        assertThat(relation.streamedXid()).isEmpty();
    }

    @Test
    void decodesRelationWithoutColumns()
    {
        ByteBuffer bytes = MessageBytes.type('R').int32(ORDERS).string("").string("pg_thing").byte1('n').int16(0).toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new Relation(ORDERS, "", "pg_thing", 'n', List.of()));
    }

    @Test
    void decodesType()
    {
        ByteBuffer bytes = MessageBytes.type('Y').int32(70_000).string("public").string("mood").toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new TypeInfo(70_000, "public", "mood"));
    }

    @Test
    void decodesInsertWithTextNullAndBinaryColumns()
    {
        ByteBuffer bytes = MessageBytes.type('I').int32(ORDERS).byte1('N')
                .tuple("42", null, "żółć 日本語 🙂", "", new byte[] {1, 2, (byte) 0xff})
                .toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new Insert(ORDERS, TupleData.of(
                new ColumnValue.Text("42"),
                ColumnValue.NULL,
                new ColumnValue.Text("żółć 日本語 🙂"),
                new ColumnValue.Text(""),
                new ColumnValue.Binary(new byte[] {1, 2, (byte) 0xff}))));
    }

    @Test
    void decodesUpdateWithoutOldTuple()
    {
        ByteBuffer bytes = MessageBytes.type('U').int32(ORDERS).byte1('N').tuple("1", "new").toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new Update(ORDERS, Optional.empty(), Optional.empty(), tuple("1", "new")));
    }

    @Test
    void decodesUpdateWithOldKey()
    {
        ByteBuffer bytes = MessageBytes.type('U').int32(ORDERS).byte1('K').tuple("1", null).byte1('N').tuple("2", "same").toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new Update(ORDERS, Optional.of(OldTupleKind.KEY), Optional.of(tuple("1", null)), tuple("2", "same")));
    }

    @Test
    void decodesUpdateWithOldRowAndUnchangedToast()
    {
        ByteBuffer bytes = MessageBytes.type('U').int32(ORDERS)
                .byte1('O').tuple("1", "old", "big value")
                .byte1('N').tuple("1", "new", ColumnValue.UNCHANGED_TOAST)
                .toBuffer();

        Update update = (Update) decoder.decode(bytes);

        assertThat(update.oldTupleKind()).contains(OldTupleKind.FULL_ROW);
        assertThat(update.oldTuple()).contains(tuple("1", "old", "big value"));
        assertThat(update.newTuple().columns()).containsExactly(new ColumnValue.Text("1"), new ColumnValue.Text("new"), ColumnValue.UNCHANGED_TOAST);
        assertThat(update.newTuple().hasUnchangedToast()).isTrue();
        assertThat(update.oldTuple().orElseThrow().hasUnchangedToast()).isFalse();
    }

    @Test
    void decodesDeleteWithOldKey()
    {
        ByteBuffer bytes = MessageBytes.type('D').int32(ORDERS).byte1('K').tuple("7", null, null).toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new Delete(ORDERS, OldTupleKind.KEY, tuple("7", null, null)));
    }

    @Test
    void decodesDeleteWithOldRow()
    {
        ByteBuffer bytes = MessageBytes.type('D').int32(ORDERS).byte1('O').tuple("7", "gone", null).toBuffer();

        assertThat(decoder.decode(bytes)).isEqualTo(new Delete(ORDERS, OldTupleKind.FULL_ROW, tuple("7", "gone", null)));
    }

    @Test
    void decodesTruncateOptions()
    {
        ByteBuffer plain = MessageBytes.type('T').int32(2).byte1(0).int32(ORDERS).int32(ORDERS + 1).toBuffer();
        ByteBuffer cascade = MessageBytes.type('T').int32(1).byte1(1).int32(ORDERS).toBuffer();
        ByteBuffer restartIdentity = MessageBytes.type('T').int32(1).byte1(2).int32(ORDERS).toBuffer();
        ByteBuffer both = MessageBytes.type('T').int32(1).byte1(3).int32(0xFFFF_FFF0L).toBuffer();

        assertThat(decoder.decode(plain)).isEqualTo(new Truncate(false, false, List.of(ORDERS, ORDERS + 1)));
        assertThat(decoder.decode(cascade)).isEqualTo(new Truncate(true, false, List.of(ORDERS)));
        assertThat(decoder.decode(restartIdentity)).isEqualTo(new Truncate(false, true, List.of(ORDERS)));
        assertThat(decoder.decode(both)).isEqualTo(new Truncate(true, true, List.of(0xFFFF_FFF0)));
    }

    @Test
    void decodesLogicalMessages()
    {
        byte[] notUtf8 = {(byte) 0xC3, 0x28, 0};
        ByteBuffer transactional = MessageBytes.type('M').byte1(1).int64(0x99).string("sluice").counted("hello".getBytes(StandardCharsets.UTF_8)).toBuffer();
        ByteBuffer immediate = MessageBytes.type('M').byte1(0).int64(0x9A).string("other").counted(notUtf8).toBuffer();

        LogicalMessage first = (LogicalMessage) decoder.decode(transactional);
        LogicalMessage second = (LogicalMessage) decoder.decode(immediate);

        assertThat(first).isEqualTo(new LogicalMessage(true, Lsn.valueOf(0x99), "sluice", "hello".getBytes(StandardCharsets.UTF_8)));
        assertThat(first.contentText()).isEqualTo("hello");
        assertThat(second.transactional()).isFalse();
        assertThat(second.prefix()).isEqualTo("other");
        assertThat(second.content()).containsExactly(notUtf8);
    }

    @Test
    void leavesTheBufferPositionAloneAndHonoursSlices()
    {
        byte[] message = MessageBytes.type('O').int64(5).string("x").toByteArray();
        byte[] framed = new byte[message.length + 10];
        System.arraycopy(message, 0, framed, 10, message.length);
        ByteBuffer slice = ByteBuffer.wrap(framed, 10, message.length).slice();

        assertThat(decoder.decode(slice)).isEqualTo(new Origin(Lsn.valueOf(5), "x"));
        assertThat(slice.position()).isZero();
    }

    @Test
    void decodesStreamedTransactionInProtocolTwo()
    {
        PgOutputDecoder streaming = new PgOutputDecoder(2);

        assertThat(streaming.decode(MessageBytes.type('S').int32(700).byte1(1).toBuffer())).isEqualTo(new StreamStart(700, true));
        assertThat(streaming.decode(MessageBytes.type('R').int32(701).int32(ORDERS).string("public").string("t").byte1('d').int16(0).toBuffer()))
                .isEqualTo(new Relation(ORDERS, "public", "t", 'd', List.of(), OptionalLong.of(701)));
        assertThat(streaming.decode(MessageBytes.type('I').int32(701).int32(ORDERS).byte1('N').tuple("1").toBuffer()))
                .isEqualTo(new Insert(ORDERS, tuple("1"), OptionalLong.of(701)));
        assertThat(streaming.decode(MessageBytes.type('U').int32(700).int32(ORDERS).byte1('N').tuple("2").toBuffer()))
                .isEqualTo(new Update(ORDERS, Optional.empty(), Optional.empty(), tuple("2"), OptionalLong.of(700)));
        assertThat(streaming.decode(MessageBytes.type('D').int32(700).int32(ORDERS).byte1('K').tuple("2").toBuffer()))
                .isEqualTo(new Delete(ORDERS, OldTupleKind.KEY, tuple("2"), OptionalLong.of(700)));
        assertThat(streaming.decode(MessageBytes.type('T').int32(700).int32(1).byte1(0).int32(ORDERS).toBuffer()))
                .isEqualTo(new Truncate(false, false, List.of(ORDERS), OptionalLong.of(700)));
        assertThat(streaming.decode(MessageBytes.type('M').int32(700).byte1(1).int64(3).string("p").counted(new byte[0]).toBuffer()))
                .isEqualTo(new LogicalMessage(true, Lsn.valueOf(3), "p", new byte[0], OptionalLong.of(700)));
        assertThat(streaming.decode(MessageBytes.type('Y').int32(700).int32(70_000).string("public").string("mood").toBuffer()))
                .isEqualTo(new TypeInfo(70_000, "public", "mood", OptionalLong.of(700)));
        assertThat(streaming.decode(MessageBytes.type('E').toBuffer())).isEqualTo(new StreamStop());
        // Outside the stream block the same message has no transaction id.
        assertThat(streaming.decode(MessageBytes.type('I').int32(ORDERS).byte1('N').tuple("3").toBuffer()))
                .isEqualTo(new Insert(ORDERS, tuple("3")));
        assertThat(streaming.decode(MessageBytes.type('A').int32(700).int32(701).toBuffer())).isEqualTo(new StreamAbort(700, 701));
        assertThat(streaming.decode(MessageBytes.type('c').int32(700).byte1(0).int64(0x500).int64(0x530).timestamp(COMMIT_TIME).toBuffer()))
                .isEqualTo(new StreamCommit(700, Lsn.valueOf(0x500), Lsn.valueOf(0x530), COMMIT_TIME));
    }

    @Test
    void refusesStreamingMessagesInProtocolOne()
    {
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('S').int32(700).byte1(1).toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("needs protocol version 2");
    }

    @Test
    void refusesUnbalancedStreamBlocks()
    {
        PgOutputDecoder streaming = new PgOutputDecoder(2);

        assertThatThrownBy(() -> streaming.decode(MessageBytes.type('E').toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("outside a block");
        streaming.decode(MessageBytes.type('S').int32(700).byte1(0).toBuffer());
        assertThatThrownBy(() -> streaming.decode(MessageBytes.type('S').int32(700).byte1(0).toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("inside a block");
    }

    @Test
    void refusesTwoPhaseCommitMessages()
    {
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('P').byte1(0).toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("two-phase commit");
    }

    @Test
    void refusesMalformedMessages()
    {
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.allocate(0)))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('Z').toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("unknown pgoutput message type 'Z'");
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('B').int64(1).toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("truncated pgoutput message of type 'B'");
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('O').int64(1).string("x").byte1(9).toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("1 unexpected bytes");
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('D').int32(ORDERS).byte1('N').tuple("1").toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("expected 'K' or 'O'");
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('U').int32(ORDERS).byte1('K').tuple("1").byte1('X').tuple("1").toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("expected 'N'");
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('I').int32(ORDERS).byte1('N').int16(1).byte1('x').toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("unknown tuple column kind 'x'");
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('I').int32(ORDERS).byte1('N').int16(1).byte1('t').int32(1_000).byte1('a').toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("length 1000 exceeds");
        assertThatThrownBy(() -> decoder.decode(MessageBytes.type('T').int32(-1).byte1(0).toBuffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("bad relation count");
    }

    @Test
    void refusesUnknownProtocolVersions()
    {
        assertThatThrownBy(() -> new PgOutputDecoder(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PgOutputDecoder(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static TupleData tuple(String... texts)
    {
        return new TupleData(Arrays.stream(texts)
                .map(text -> text == null ? ColumnValue.NULL : (ColumnValue) new ColumnValue.Text(text))
                .toList());
    }
}
