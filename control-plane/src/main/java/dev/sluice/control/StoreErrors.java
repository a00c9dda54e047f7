package dev.sluice.control;

import java.sql.SQLException;
import java.util.function.Predicate;

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

    /**
     * The metadata store cannot be reached or is shutting down or starting up (connection exceptions, class
     * 08; operator intervention, 57P01 to 57P03): a moment's outage, not a fault in the request.
     */
    public static boolean isUnavailable(Throwable error)
    {
        return hasState(error, state -> state.startsWith("08") || state.matches("57P0[123]"));
    }

    private static boolean hasState(Throwable error, String state)
    {
        return hasState(error, state::equals);
    }

    private static boolean hasState(Throwable error, Predicate<String> state)
    {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && state.test(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
