package dev.sluice.bench.jmh;

import dev.sluice.core.filter.Filter;
import dev.sluice.core.filter.Row;
import dev.sluice.data.extract.pgoutput.PgOutputDecoder;
import dev.sluice.data.extract.pgoutput.PgOutputMessage;
import dev.sluice.data.extract.pgoutput.TupleConverter;
import dev.sluice.data.extract.pgoutput.ValueConverter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The per-change hot paths of extraction, on one row of the benchmark table (seven columns, a 200-byte jsonb):
 * decoding a pgoutput Insert, turning its tuple into the message's typed JSON, and evaluating a filter.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmarks
{
    private static final int RELATION_ID = 16_384;

    private final PgOutputDecoder decoder = new PgOutputDecoder(1);
    private final TupleConverter tuples = new TupleConverter(new ValueConverter());
    private PgOutputMessage.Relation relation;
    private ByteBuffer insert;
    private PgOutputMessage.Insert decoded;
    private Filter filter;
    private Row row;

    @Setup
    public void setUp()
    {
        relation = (PgOutputMessage.Relation) decoder.decode(ByteBuffer.wrap(relationMessage()));
        insert = ByteBuffer.wrap(insertMessage());
        decoded = (PgOutputMessage.Insert) decoder.decode(insert);
        filter = Filter.parse("numeric_field > 100 and string_field like 'row-1%' and json_field ->> 'kind' = 'order'");
        Map<String, Object> values = new HashMap<>(tuples.toJava(relation, decoded.newTuple()));
        row = Row.of(values);
    }

    @Benchmark
    public PgOutputMessage decodeInsert()
    {
        return decoder.decode(insert);
    }

    @Benchmark
    public String encodeJson()
    {
        return tuples.toJson(relation, decoded.newTuple()).values().toString();
    }

    @Benchmark
    public boolean evaluateFilter()
    {
        return filter.matches(row);
    }

    @Benchmark
    public String decodeAndEncode()
    {
        PgOutputMessage.Insert message = (PgOutputMessage.Insert) decoder.decode(insert);
        return tuples.toJson(relation, message.newTuple()).values().toString();
    }

    private static byte[] relationMessage()
    {
        return bytes(out -> {
            out.writeByte('R');
            out.writeInt(RELATION_ID);
            string(out, "public");
            string(out, "bench_records");
            out.writeByte('d');
            Object[][] columns = {{"id", 20}, {"string_field", 25}, {"numeric_field", 1700}, {"timestamp_field", 1184}, {"json_field", 3802},
                    {"inserted_at", 1184}, {"updated_at", 1184}};
            out.writeShort(columns.length);
            for (int i = 0; i < columns.length; i++) {
                out.writeByte(i == 0 ? 1 : 0);
                string(out, (String) columns[i][0]);
                out.writeInt((Integer) columns[i][1]);
                out.writeInt(-1);
            }
        });
    }

    private static byte[] insertMessage()
    {
        String json = "{\"n\": 123456, \"kind\": \"order\", \"padding\": \"" + "x".repeat(150) + "\"}";
        String[] values = {"123456", "row-123456", new BigDecimal("1234.56").toPlainString(), "2026-11-24 10:15:30.123456+00", json,
                "2026-11-24 10:15:30.123456+00", "2026-11-24 10:15:30.123456+00"};
        return bytes(out -> {
            out.writeByte('I');
            out.writeInt(RELATION_ID);
            out.writeByte('N');
            out.writeShort(values.length);
            for (String value : values) {
                byte[] text = value.getBytes(StandardCharsets.UTF_8);
                out.writeByte('t');
                out.writeInt(text.length);
                out.write(text);
            }
        });
    }

    private static void string(DataOutputStream out, String value)
            throws IOException
    {
        out.write(value.getBytes(StandardCharsets.UTF_8));
        out.writeByte(0);
    }

    private interface Writer
    {
        void write(DataOutputStream out)
                throws IOException;
    }

    private static byte[] bytes(Writer writer)
    {
        try (ByteArrayOutputStream buffer = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(buffer)) {
            writer.write(out);
            out.flush();
            return buffer.toByteArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
