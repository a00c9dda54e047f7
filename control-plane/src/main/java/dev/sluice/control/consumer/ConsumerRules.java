package dev.sluice.control.consumer;

import dev.sluice.core.error.SluiceException;
import dev.sluice.core.filter.Filter;
import dev.sluice.core.filter.FilterException;
import dev.sluice.core.transform.LuaTransform;
import dev.sluice.core.transform.TransformException;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The checks on a consumer's definition that need no database: shapes, filter syntax, Lua syntax. */
final class ConsumerRules
{
    private static final int MAX_IDENTIFIER = 63;

    private ConsumerRules() {}

    static void checkTables(String field, List<TableSelection> tables)
    {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tables.size(); i++) {
            TableSelection table = tables.get(i);
            String at = field + "[" + i + "]";
            checkIdentifier(at + ".schema", table.schema());
            checkIdentifier(at + ".table", table.table());
            if (!seen.add(table.qualifiedName())) {
                throw SluiceException.invalid(at, "table " + table.qualifiedName() + " is listed twice");
            }
            Set<String> columns = new HashSet<>();
            for (int j = 0; j < table.groupColumns().size(); j++) {
                String column = table.groupColumns().get(j);
                checkIdentifier(at + ".group_columns[" + j + "]", column);
                if (!columns.add(column)) {
                    throw SluiceException.invalid(at + ".group_columns[" + j + "]", "column " + column + " is listed twice");
                }
            }
        }
    }

    static void checkIdentifier(String field, String identifier)
    {
        if (identifier == null || identifier.isBlank()) {
            throw SluiceException.invalid(field, "must not be empty");
        }
        if (identifier.length() > MAX_IDENTIFIER || identifier.indexOf('\0') >= 0) {
            throw SluiceException.invalid(field, "is not a valid Postgres identifier");
        }
    }

    /** Parses a filter once; the parsed form is what the data plane evaluates. */
    static Optional<Filter> checkFilter(String field, Optional<String> filter)
    {
        if (filter.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Filter.parse(filter.get()));
        }
        catch (FilterException e) {
            throw SluiceException.invalid(field, e.getMessage());
        }
    }

    /** Compiles a transform and checks it defines {@code transform}; a syntax error names its line. */
    static void checkTransform(String field, Optional<String> transform)
    {
        if (transform.isEmpty()) {
            return;
        }
        try {
            LuaTransform.compile(transform.get());
        }
        catch (TransformException e) {
            throw SluiceException.invalid(field, e.getMessage());
        }
    }

    static void checkStart(String field, StartPosition start)
    {
        if (start.at() == StartPosition.At.ROW) {
            if (start.sortColumn() == null || start.sortColumn().isBlank()) {
                throw SluiceException.invalid(field + ".sort_column", "is required when starting at a row");
            }
            checkIdentifier(field + ".sort_column", start.sortColumn());
            if (start.value() == null) {
                throw SluiceException.invalid(field + ".value", "is required when starting at a row");
            }
        }
        else if (start.sortColumn() != null || start.value() != null) {
            throw SluiceException.invalid(field, "sort_column and value only apply when starting at a row");
        }
    }
}
