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

    /** A deadlock or serialization failure: the transaction lost a race and may simply run again. */
    public static boolean isTransient(Throwable error)
    {
        return hasState(error, "40P01") || hasState(error, "40001");
    }

    public static boolean isForeignKeyViolation(Throwable error)
    {
        return hasState(error, "23503");
    }

    /** Text Postgres cannot store, such as a NUL character in a path or query parameter. */
    public static boolean isUnstorableText(Throwable error)
    {
        return hasState(error, "22021") || hasState(error, "22P05");
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
