package dev.sluice.data;

import java.sql.SQLException;
import java.util.Optional;

/** Says what a failure of the metadata store is, whatever wraps it (a JDBI exception, a large-object API set up on a dead connection). */
final class MetadataErrors
{
    private MetadataErrors() {}

    /**
     * "metadata store unavailable (SQLSTATE 08006): …" for a connection that broke or a server shutting down or
     * starting (classes 08 and 57P01–57P03), the database's own message for other SQL errors, else the message.
     */
    static String describe(Throwable error)
    {
        Optional<SQLException> sql = sqlException(error);
        if (sql.isEmpty()) {
            return String.valueOf(error.getMessage());
        }
        String state = String.valueOf(sql.get().getSQLState());
        if (state.startsWith("08") || state.matches("57P0[123]")) {
            return "metadata store unavailable (SQLSTATE " + state + "): " + sql.get().getMessage();
        }
        return "SQLSTATE " + state + ": " + sql.get().getMessage();
    }

    private static Optional<SQLException> sqlException(Throwable error)
    {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }
}
