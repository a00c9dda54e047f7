package dev.sluice.data.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.filter.Filter;
import dev.sluice.core.filter.SqlFragment;
import dev.sluice.data.extract.pgoutput.PgTypeCatalog;
import dev.sluice.data.extract.pgoutput.ValueConverter;
import dev.sluice.source.SourceAdmin;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.stream.MessageJson;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * Reads a table in keyset-paginated chunks, in primary-key order, with every value converted exactly as
 * the replication stream converts it (read as text, typed by its column's type), so a backfilled row and a
 * streamed row look the same. Filters come from their ASTs as parameterised SQL; identifiers are quoted.
 */
public final class ChunkReader
{

    private ChunkReader() {}

    /** A row read from the table: its JSON record, its values for filters, and its key. */
    public record Row(ObjectNode record, Map<String, Object> values, ArrayNode key) {}

    /** A chunk and the cursor after it; fewer rows than asked means the table is done. */
    public record Chunk(List<Row> rows, Optional<String> cursor) {}

    private record Column(String name, int oid, String type) {}

    public static Chunk read(Connection connection, String schema, String table, List<String> primaryKey, Optional<String> cursor,
            Optional<StartPosition> start, List<Filter> filters, int limit)
            throws SQLException
    {
        if (primaryKey.isEmpty()) {
            throw new IllegalStateException("table " + schema + "." + table + " has no primary key to read it in order by");
        }
        List<Column> columns = columns(connection, schema, table);
        Map<String, Column> byName = new LinkedHashMap<>();
        columns.forEach(column -> byName.put(column.name(), column));
        StringBuilder sql = new StringBuilder("select ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("t.").append(SourceAdmin.quote(columns.get(i).name())).append("::text");
        }
        // the alias matters: ORDER BY a bare name would sort by the text output column of that name, not the key
        sql.append(" from ").append(SourceAdmin.quote(schema)).append('.').append(SourceAdmin.quote(table)).append(" t where true");
        List<Object> parameters = new ArrayList<>();
        if (cursor.isPresent()) {
            ArrayNode last = (ArrayNode) MessageJson.read(cursor.get());
            sql.append(" and (");
            for (int i = 0; i < primaryKey.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("t.").append(SourceAdmin.quote(primaryKey.get(i)));
            }
            sql.append(") > (");
            for (int i = 0; i < primaryKey.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("cast(? as ").append(byName.get(primaryKey.get(i)).type()).append(')');
                JsonNode value = last.get(i);
                parameters.add(value.isTextual() ? value.asText() : value.toString());
            }
            sql.append(')');
        }
        if (start.isPresent() && start.get().at() == StartPosition.At.ROW) {
            Column sort = byName.get(start.get().sortColumn());
            if (sort == null) {
                throw new IllegalStateException("column " + start.get().sortColumn() + " does not exist in " + schema + "." + table);
            }
            sql.append(" and t.").append(SourceAdmin.quote(sort.name())).append(" >= cast(? as ").append(sort.type()).append(')');
            parameters.add(start.get().value());
        }
        for (Filter filter : filters) {
            SqlFragment fragment = filter.toSql();
            sql.append(" and (").append(fragment.sql()).append(')');
            parameters.addAll(fragment.parameters());
        }
        sql.append(" order by ");
        for (int i = 0; i < primaryKey.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("t.").append(SourceAdmin.quote(primaryKey.get(i)));
        }
        sql.append(" limit ").append(limit);
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int index = 1;
            for (Object parameter : parameters) {
                if (parameter instanceof String text) {
                    // untyped, as a literal would be: Postgres resolves it against the column it meets
                    statement.setObject(index++, text, Types.OTHER);
                }
                else {
                    statement.setObject(index++, parameter);
                }
            }
            ValueConverter converter = values(connection);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ObjectNode record = JsonNodeFactory.instance.objectNode();
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        Column column = columns.get(i);
                        String text = rs.getString(i + 1);
                        record.set(column.name(), converter.toJson(column.oid(), text));
                        values.put(column.name(), text == null ? null : converter.toJava(column.oid(), text));
                    }
                    ArrayNode key = JsonNodeFactory.instance.arrayNode();
                    primaryKey.forEach(name -> key.add(record.get(name)));
                    rows.add(new Row(record, values, key));
                }
            }
        }
        Optional<String> next = rows.isEmpty() ? cursor : Optional.of(rows.get(rows.size() - 1).key().toString());
        return new Chunk(rows, next);
    }

    /** The table's estimated row count, for progress. */
    /** Values converted with the source's own types (domains as their base type), as the stream converts them. */
    private static ValueConverter values(Connection connection)
    {
        return CONVERTERS.computeIfAbsent(connection, each -> new ValueConverter(new PgTypeCatalog(each)));
    }

    private static final Map<Connection, ValueConverter> CONVERTERS = Collections.synchronizedMap(new WeakHashMap<>());

    public static long estimate(Connection connection, String schema, String table)
            throws SQLException
    {
        try (PreparedStatement statement = connection.prepareStatement(
                "select greatest(c.reltuples, 0)::bigint from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname = ?")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static List<Column> columns(Connection connection, String schema, String table)
            throws SQLException
    {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                select a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod)
                from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = ? and c.relname = ? and a.attnum > 0 and not a.attisdropped order by a.attnum
                """)) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getInt(2), rs.getString(3)));
                }
            }
        }
        return columns;
    }
}
