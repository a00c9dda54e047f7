package dev.sluice.control.source;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a source's user tables, their primary keys, replica identity and columns from the catalog. */
public final class SourceIntrospection
{
    private static final String TABLES = """
            select c.oid, n.nspname, c.relname, c.relkind, c.relreplident,
                   (select array_agg(a.attname::text order by array_position(i.indkey::int2[], a.attnum))
                    from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
                    where i.indrelid = c.oid and i.indisprimary) as primary_key,
                   exists (select 1 from pg_publication_tables pt
                           where pt.pubname = ? and pt.schemaname = n.nspname and pt.tablename = c.relname) as in_publication
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p') and not c.relispartition
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
              and n.nspname not like 'pg\\_temp%'
            order by n.nspname, c.relname
            """;
    private static final String COLUMNS = """
            select a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), not a.attnotnull, a.attgenerated::text as generated
            from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p')
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
            order by a.attrelid, a.attnum
            """;

    private SourceIntrospection() {}

    public static List<SourceTable> tables(Connection connection, String publicationName)
            throws SQLException
    {
        boolean storedGeneratedStreamed = publishesGeneratedColumns(connection, publicationName);
        Map<Long, List<SourceTable.Column>> columns = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                // attgenerated: '' for an ordinary column, 's' stored, 'v' virtual (Postgres 18); pgoutput sends stored ones from 18 when asked
                String generated = rs.getString("generated");
                boolean isGenerated = generated != null && !generated.isEmpty();
                boolean streamed = !isGenerated || ("s".equals(generated) && storedGeneratedStreamed);
                columns.computeIfAbsent(rs.getLong(1), oid -> new ArrayList<>())
                        .add(new SourceTable.Column(rs.getString(2), rs.getString(3), rs.getBoolean(4), isGenerated, streamed));
            }
        }
        List<SourceTable> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(TABLES)) {
            statement.setString(1, publicationName);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Array primaryKey = rs.getArray("primary_key");
                    tables.add(new SourceTable(
                            rs.getString("nspname"),
                            rs.getString("relname"),
                            primaryKey == null ? List.of() : List.of((String[]) primaryKey.getArray()),
                            replicaIdentity(rs.getString("relreplident")),
                            "p".equals(rs.getString("relkind")),
                            rs.getBoolean("in_publication"),
                            columns.getOrDefault(rs.getLong("oid"), List.of())));
                }
            }
        }
        return tables;
    }

    private static boolean publishesGeneratedColumns(Connection connection, String publicationName)
            throws SQLException
    {
        if (connection.getMetaData().getDatabaseMajorVersion() < 18) {
            return false;
        }
        try (PreparedStatement statement = connection.prepareStatement("select pubgencols::text from pg_publication where pubname = ?")) {
            statement.setString(1, publicationName);
            try (ResultSet rs = statement.executeQuery()) {
                // a publication Sluice has yet to create will publish them
                return !rs.next() || "s".equals(rs.getString(1));
            }
        }
    }

    private static String replicaIdentity(String code)
    {
        return switch (code) {
            case "f" -> "full";
            case "i" -> "index";
            case "n" -> "nothing";
            default -> "default";
        };
    }
}
