package dev.sluice.control;

import java.sql.SQLException;

/** Recognises the metadata store's constraint errors so services can turn them into domain errors. */
public final class StoreErrors
{
    private StoreErrors() {}

    public static boolean isUniqueViolation(Throwable error)
    {
        return hasState(error, "23505");
    }

    public static boolean isForeignKeyViolation(Throwable error)
    {
        return hasState(error, "23503");
    }

    private static boolean hasState(Throwable error, String state)
    {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
