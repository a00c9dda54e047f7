package dev.sluice.stream;

import dev.sluice.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Gives back the space of consumed messages by generations: the log's current partition is closed once it
 * holds {@code rotateRows} rows or is older than {@code rotateAge} (and holds any), a new one takes the appends,
 * and a closed generation is dropped as soon as no consumer still needs a row of it (past its cursor, or in its
 * window). No row is ever deleted, so no VACUUM is needed to get the disk back. Deleted consumers hold nothing.
 * Safe to run from every control-plane node at once: one runs it at a time (a try-lock), the others skip.
 */
public final class StreamRetention
{
    private static final Logger LOG = LoggerFactory.getLogger(StreamRetention.class);
    private static final long LOCK = 0x534c_0000_0001L;

    private final Store store;
    private final long rotateRows;
    private final Duration rotateAge;

    public StreamRetention(Store store, long rotateRows, Duration rotateAge)
    {
        this.store = requireNonNull(store, "store is null");
        if (rotateRows < 1) {
            throw new IllegalArgumentException("rotateRows must be positive");
        }
        this.rotateRows = rotateRows;
        this.rotateAge = requireNonNull(rotateAge, "rotateAge is null");
    }

    /** Rows after which a generation closes: JVM system property {@code sluice.stream.generationRows}, default 1,000,000. */
    public static final String GENERATION_ROWS = "sluice.stream.generationRows";

    public static StreamRetention defaults(Store store)
    {
        return new StreamRetention(store, Long.getLong(GENERATION_ROWS, 1_000_000), Duration.ofMinutes(10));
    }

    /** What one run did. */
    public record Result(Optional<Integer> opened, List<Integer> dropped) {}

    public Result run()
    {
        return store.withHandle(handle -> {
            boolean locked = handle.createQuery("select pg_try_advisory_lock(:lock)").bind("lock", LOCK).mapTo(Boolean.class).one();
            if (!locked) {
                return new Result(Optional.empty(), List.of());
            }
            try {
                Optional<Integer> opened = busyOr(this::rotate, Optional.empty());
                List<Integer> dropped = busyOr(this::dropConsumed, List.of());
                return new Result(opened, dropped);
            }
            finally {
                handle.createQuery("select pg_advisory_unlock(:lock)").bind("lock", LOCK).mapTo(Boolean.class).one();
            }
        });
    }

    private Optional<Integer> rotate()
    {
        return store.inTransaction(handle -> {
            int current = handle.createQuery("select max(generation) from stream_generations").mapTo(Integer.class).one();
            String partition = partition(current);
            // the planner's row estimate is enough to decide; an exact count would read the whole partition
            long rows = handle.createQuery("""
                            select greatest(coalesce((select n_live_tup from pg_stat_user_tables where relname = :partition), 0),
                                            coalesce((select reltuples::bigint from pg_class where relname = :partition), 0))
                            """)
                    .bind("partition", partition).mapTo(Long.class).one();
            boolean any = rows > 0 || handle.createQuery("select exists (select 1 from " + partition + ")").mapTo(Boolean.class).one();
            // statistics lag behind: a partition known to hold rows holds at least one
            rows = Math.max(rows, any ? 1 : 0);
            boolean old = handle.createQuery("select created_at < now() - make_interval(secs => :age) from stream_generations where generation = :g")
                    .bind("age", (double) rotateAge.toSeconds()).bind("g", current).mapTo(Boolean.class).one();
            if (!any || (rows < rotateRows && !old)) {
                return Optional.<Integer>empty();
            }
            int next = current + 1;
            // creating a partition takes the parent exclusively: briefly, and in the order readers lock (parent first)
            handle.execute("set local lock_timeout = '500ms'");
            handle.execute("lock table stream_log in access exclusive mode");
            handle.execute("create table " + partition(next) + " partition of stream_log for values in (" + next + ")");
            handle.execute("insert into stream_generations (generation) values (?)", next);
            LOG.info("stream log generation {} opened ({} rows in generation {})", next, rows, current);
            return Optional.of(next);
        });
    }

    private List<Integer> dropConsumed()
    {
        List<Integer> closed = store.withHandle(handle -> handle.createQuery("""
                        select generation from stream_generations where generation < (select max(generation) from stream_generations) order by generation
                        """)
                .mapTo(Integer.class).list());
        List<Integer> dropped = new ArrayList<>();
        for (int generation : closed) {
            boolean gone = store.inTransaction(handle -> {
                String partition = partition(generation);
                // the lock waits for appends in progress (each holds the log's lock from before it read which generation to
                // write into, see StreamAppender.allocate); what the check below sees is then final
                // a bounded wait: receives read every partition, so a long queue behind this lock would stall them.
                // The parent first, as every reader and writer locks it before its partitions: dropping a partition needs the
                // parent exclusively, and taking it after the partition would deadlock with a receive between the two
                handle.execute("set local lock_timeout = '500ms'");
                handle.execute("lock table stream_log in access exclusive mode");
                handle.execute("lock table " + partition + " in access exclusive mode");
                boolean needed = handle.createQuery("""
                                select exists (select 1 from stream_cursors c
                                               where exists (select 1 from %1$s l where l.consumer_key = c.consumer_key and l.seq > c.cursor_seq))
                                    or exists (select 1 from stream_pending p
                                               where exists (select 1 from %1$s l where l.consumer_key = p.consumer_key and l.seq = p.seq))
                                """.formatted(partition))
                        .mapTo(Boolean.class).one();
                if (needed) {
                    return false;
                }
                handle.execute("drop table " + partition);
                handle.execute("delete from stream_generations where generation = ?", generation);
                return true;
            });
            if (!gone) {
                // generations are consumed in order by almost every consumer: a newer one is rarely free before an older one
                break;
            }
            LOG.info("stream log generation {} dropped: every consumer is past it", generation);
            dropped.add(generation);
        }
        return dropped;
    }

    /** What {@code step} returns, or {@code busy} when it gave up waiting for the log's locks: the next run tries again. */
    private static <T> T busyOr(Supplier<T> step, T busy)
    {
        try {
            return step.get();
        }
        catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql && "55P03".equals(sql.getSQLState())) {
                    LOG.debug("stream log busy, generations are rotated or dropped on the next run: {}", sql.getMessage());
                    return busy;
                }
            }
            throw e;
        }
    }

    private static String partition(int generation)
    {
        return "stream_log_" + generation;
    }
}
