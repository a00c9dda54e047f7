package dev.sluice.store.lease;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

/**
 * The lease table, the data plane's only coordinator. These statements cross accounts by nature: a
 * worker serves every tenant.
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
     * Claims up to {@code limit} free or expired units, incrementing their epochs. SKIP LOCKED lets
     * concurrent workers claim different units instead of waiting on each other.
     */
    @SqlQuery("""
            update leases set owner = :owner, epoch = epoch + 1, expires_at = now() + make_interval(secs => :ttlSeconds), renewed_at = now()
            where unit in (select unit from leases
                           where unit like :prefix || '%' and (owner is null or expires_at < now())
                           order by unit limit :limit for update skip locked)
            returning unit, owner, epoch
            """)
    List<Lease> claim(@Bind("owner") String owner, @Bind("prefix") String prefix, @Bind("limit") int limit, @Bind("ttlSeconds") double ttlSeconds);

    /** Extends a lease; 0 rows means it was lost (expired and taken over, or released). */
    @SqlUpdate("""
            update leases set expires_at = now() + make_interval(secs => :ttlSeconds), renewed_at = now()
            where unit = :unit and owner = :owner and epoch = :epoch and expires_at > now()
            """)
    int renew(@Bind("unit") String unit, @Bind("owner") String owner, @Bind("epoch") long epoch, @Bind("ttlSeconds") double ttlSeconds);

    @SqlUpdate("update leases set owner = null, expires_at = null where unit = :unit and owner = :owner and epoch = :epoch")
    int release(@Bind("unit") String unit, @Bind("owner") String owner, @Bind("epoch") long epoch);

    /**
     * The fence: inside a store transaction, locks the lease row against takeover and says whether this
     * holder still owns it. A claim skips the locked row (SKIP LOCKED) until the transaction ends, even
     * past the lease's expiry, and a holder that lost the lease finds nothing here and must not write.
     */
    @SqlQuery("select true from leases where unit = :unit and owner = :owner and epoch = :epoch and expires_at > now() for share")
    Optional<Boolean> lockIfHeld(@Bind("unit") String unit, @Bind("owner") String owner, @Bind("epoch") long epoch);

    /** Other workers whose leases expired more than {@code graceSeconds} ago and are still theirs (nobody could claim them). */
    @SqlQuery("""
            select distinct owner from leases
            where owner is not null and owner <> :self and expires_at < now() - make_interval(secs => :graceSeconds)
            """)
    List<String> ownersOfLongExpiredLeases(@Bind("self") String self, @Bind("graceSeconds") double graceSeconds);

    /** Ends the sessions named {@code applicationName} whose transaction began more than {@code graceSeconds} ago; returns how many. */
    @SqlQuery("""
            select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity
            where application_name = :applicationName and pid <> pg_backend_pid()
              and xact_start < now() - make_interval(secs => :graceSeconds)
            """)
    int endTransactionsOf(@Bind("applicationName") String applicationName, @Bind("graceSeconds") double graceSeconds);

    @SqlUpdate("delete from leases where unit = :unit")
    int delete(@Bind("unit") String unit);

    @SqlQuery("select unit, owner, epoch from leases where unit = :unit and owner is not null and expires_at > now()")
    Optional<Lease> holder(@Bind("unit") String unit);

    @SqlQuery("select count(*) from leases where unit like :prefix || '%'")
    int countUnits(@Bind("prefix") String prefix);

    @SqlUpdate("insert into workers (id, seen_at) values (:worker, now()) on conflict (id) do update set seen_at = now()")
    void heartbeat(@Bind("worker") String worker);

    @SqlQuery("select count(*) from workers where seen_at > now() - make_interval(secs => :ttlSeconds)")
    int liveWorkers(@Bind("ttlSeconds") double ttlSeconds);

    @SqlUpdate("delete from workers where id = :worker or seen_at < now() - interval '1 day'")
    void forget(@Bind("worker") String worker);
}
