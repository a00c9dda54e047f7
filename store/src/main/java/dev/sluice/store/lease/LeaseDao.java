package dev.sluice.store.lease;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

/**
 * The lease table, the data plane's only coordinator. These statements cross accounts by nature: a
 * worker serves every tenant. The longer ones are in {@code LeaseDao/<method>.sql} beside this interface.
 */
@RegisterConstructorMapper(Lease.class)
public interface LeaseDao
{
    /**
     * Creates a unit for every source. Every source is streamed, consumers or not, so its slot keeps
     * advancing and never makes the user's database keep WAL.
     */
    @SqlUpdate("insert into leases (unit) select 'extract:' || s.id from sources s on conflict do nothing")
    void createExtractUnitsAcrossAccounts();

    /** Creates a unit for every push consumer: its deliveries run on one worker at a time. */
    @SqlUpdate("insert into leases (unit) select 'deliver:' || c.id from consumers c where c.kind = 'push' on conflict do nothing")
    void createDeliverUnitsAcrossAccounts();

    @SqlUpdate("""
            delete from leases l where l.unit like 'deliver:%'
              and not exists (select 1 from consumers c where 'deliver:' || c.id = l.unit and c.kind = 'push')
            """)
    void deleteUnneededDeliverUnitsAcrossAccounts();

    @SqlUpdate("""
            delete from leases l where l.unit like 'extract:%'
              and not exists (select 1 from sources s where 'extract:' || s.id = l.unit)
            """)
    void deleteUnneededExtractUnitsAcrossAccounts();

    /**
     * Claims up to {@code limit} free or expired units but those in {@code except}, incrementing their epochs. SKIP
     * LOCKED lets concurrent workers claim different units instead of waiting on each other.
     */
    @UseClasspathSqlLocator
    @SqlQuery
    List<Lease> claim(@Bind("owner") String owner, @Bind("prefix") String prefix, @Bind("limit") int limit, @Bind("ttlSeconds") double ttlSeconds,
            @Bind("except") String[] except);

    /**
     * Takes over up to {@code limit} units whose holder stopped renewing them (expired, still owned), incrementing
     * their epochs. Locked rows are skipped: their holder is still inside a transaction (see {@link #lockIfHeld}).
     */
    @UseClasspathSqlLocator
    @SqlQuery
    List<Lease> claimAbandoned(@Bind("owner") String owner, @Bind("limit") int limit, @Bind("ttlSeconds") double ttlSeconds);

    /** Extends a lease; 0 rows means it was lost (expired and taken over, or released). */
    @SqlUpdate("""
            update leases set expires_at = now() + make_interval(secs => :ttlSeconds), renewed_at = now()
            where unit = :unit and owner = :owner and epoch = :epoch and expires_at > now()
            """)
    int renew(@Bind("unit") String unit, @Bind("owner") String owner, @Bind("epoch") long epoch, @Bind("ttlSeconds") double ttlSeconds);

    /**
     * Extends every lease {@code owner} still holds of {@code units} (each at the epoch of the same position in
     * {@code epochs}) in one statement, and returns the units renewed: those missing were lost. It waits for no data
     * transaction, because the fence ({@link #lockIfHeld}) takes a lock this update does not conflict with.
     */
    @UseClasspathSqlLocator
    @SqlQuery
    List<String> renewAll(@Bind("owner") String owner, @Bind("units") String[] units, @Bind("epochs") Long[] epochs, @Bind("ttlSeconds") double ttlSeconds);

    @SqlUpdate("update leases set owner = null, expires_at = null where unit = :unit and owner = :owner and epoch = :epoch")
    int release(@Bind("unit") String unit, @Bind("owner") String owner, @Bind("epoch") long epoch);

    /**
     * The fence: inside a store transaction, locks the lease row against takeover and says whether this
     * holder still owns it. A takeover ({@link #claim}, whose {@code FOR UPDATE SKIP LOCKED} conflicts with this
     * lock) skips the row until the transaction ends, and a holder that lost the lease finds nothing here and must
     * not write.
     *
     * <p>{@code FOR KEY SHARE}, not {@code FOR SHARE}: a renewal ({@link #renewAll}, an update of no key column) does
     * not conflict with it, so a data transaction that waits (on a lock, on a slow statement) never holds up the
     * renewal of its own lease or, behind it, of the worker's other leases.
     */
    @SqlQuery("select true from leases where unit = :unit and owner = :owner and epoch = :epoch and expires_at > now() for key share")
    Optional<Boolean> lockIfHeld(@Bind("unit") String unit, @Bind("owner") String owner, @Bind("epoch") long epoch);

    /** Other workers whose leases expired more than {@code graceSeconds} ago and are still theirs (nobody could claim them). */
    @SqlQuery("""
            select distinct owner from leases
            where owner is not null and owner <> :self and expires_at < now() - make_interval(secs => :graceSeconds)
            """)
    List<String> ownersOfLongExpiredLeases(@Bind("self") String self, @Bind("graceSeconds") double graceSeconds);

    /** Ends the sessions named {@code applicationName} whose transaction began more than {@code graceSeconds} ago; returns how many. */
    @UseClasspathSqlLocator
    @SqlQuery
    int endTransactionsOf(@Bind("applicationName") String applicationName, @Bind("graceSeconds") double graceSeconds);

    @SqlUpdate("delete from leases where unit = :unit")
    int delete(@Bind("unit") String unit);

    @SqlQuery("select unit, owner, epoch from leases where unit = :unit and owner is not null and expires_at > now()")
    Optional<Lease> holder(@Bind("unit") String unit);

    @SqlQuery("select count(*) from leases where unit like :prefix || '%'")
    int countUnits(@Bind("prefix") String prefix);

    /** Units nobody holds: free, or expired and not yet taken over. */
    @SqlQuery("select count(*) from leases where owner is null or expires_at is null or expires_at < now()")
    int countUnheld();

    /** Records the worker as live now; a worker not seen for {@code ttlSeconds} starts a new live period. */
    @UseClasspathSqlLocator
    @SqlUpdate
    void heartbeat(@Bind("worker") String worker, @Bind("ttlSeconds") double ttlSeconds);

    @SqlQuery("select count(*) from workers where seen_at > now() - make_interval(secs => :ttlSeconds)")
    int liveWorkers(@Bind("ttlSeconds") double ttlSeconds);

    /**
     * Every worker seen within {@code ttlSeconds}, with the unexpired leases it holds and whether it is settled: live
     * for {@code settleSeconds} and seen within {@code freshSeconds} (still ticking: not one paused a moment ago).
     */
    @UseClasspathSqlLocator
    @SqlQuery
    @RegisterConstructorMapper(WorkerLoad.class)
    List<WorkerLoad> liveWorkerLoads(@Bind("ttlSeconds") double ttlSeconds, @Bind("settleSeconds") double settleSeconds,
            @Bind("freshSeconds") double freshSeconds);

    @SqlUpdate("delete from workers where id = :worker or seen_at < now() - interval '1 day'")
    void forget(@Bind("worker") String worker);
}
