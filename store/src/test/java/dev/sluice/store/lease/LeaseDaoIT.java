package dev.sluice.store.lease;

import dev.sluice.core.id.AccountId;
import dev.sluice.store.EmbeddedMetadataPostgres;
import dev.sluice.store.MetadataStoreExtension;
import dev.sluice.store.Store;
import dev.sluice.store.StoreRows;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceDao;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lease table on real Postgres: claims, renewals, takeovers and the fence that keeps a worker that lost
 * its lease from writing. Every test works on units of its own prefix; "time passes" is an
 * {@code expires_at} moved into the past, never a wait.
 */
@ExtendWith(MetadataStoreExtension.class)
class LeaseDaoIT
{
    private static final double TTL_SECONDS = 60;
    /** No unit excepted from a claim. */
    private static final String[] NONE = new String[0];

    private static Store store;
    private static EmbeddedMetadataPostgres postgres;
    private static LeaseDao leases;

    private String prefix;

    @BeforeAll
    static void connect(Store store, EmbeddedMetadataPostgres postgres)
    {
        LeaseDaoIT.store = store;
        LeaseDaoIT.postgres = postgres;
        leases = store.onDemand(LeaseDao.class);
    }

    @BeforeEach
    void newPrefix()
    {
        prefix = "test-" + UUID.randomUUID() + ":";
    }

    @Test
    void aFreeUnitIsClaimedOnceWithTheNextEpoch()
    {
        createUnits("a", "b", "c");

        List<Lease> first = leases.claim("worker-1", prefix, 2, TTL_SECONDS, NONE);
        List<Lease> second = leases.claim("worker-2", prefix, 10, TTL_SECONDS, NONE);
        List<Lease> third = leases.claim("worker-3", prefix, 10, TTL_SECONDS, NONE);

        assertThat(first).containsExactlyInAnyOrder(new Lease(prefix + "a", "worker-1", 1), new Lease(prefix + "b", "worker-1", 1));
        assertThat(second).containsExactly(new Lease(prefix + "c", "worker-2", 1));
        assertThat(third).isEmpty();
        assertThat(leases.holder(prefix + "a")).contains(new Lease(prefix + "a", "worker-1", 1));
    }

    @Test
    void theHolderRenewsAndAStaleEpochDoesNot()
    {
        createUnits("a");
        Lease lease = leases.claim("worker-1", prefix, 1, TTL_SECONDS, NONE).get(0);

        assertThat(leases.renew(lease.unit(), "worker-1", lease.epoch(), TTL_SECONDS)).isEqualTo(1);
        assertThat(leases.renew(lease.unit(), "worker-1", lease.epoch() - 1, TTL_SECONDS)).isZero();
        assertThat(leases.renew(lease.unit(), "worker-2", lease.epoch(), TTL_SECONDS)).isZero();
    }

    @Test
    void anExpiredLeaseIsLostAndTakenOverWithAHigherEpoch()
    {
        createUnits("a");
        Lease lost = leases.claim("worker-1", prefix, 1, TTL_SECONDS, NONE).get(0);
        expire(lost.unit());

        assertThat(leases.holder(lost.unit())).isEmpty();
        assertThat(leases.renew(lost.unit(), "worker-1", lost.epoch(), TTL_SECONDS)).isZero();
        assertThat(passesFence(lost)).isFalse();

        Lease taken = leases.claim("worker-2", prefix, 1, TTL_SECONDS, NONE).get(0);

        assertThat(taken).isEqualTo(new Lease(lost.unit(), "worker-2", lost.epoch() + 1));
        // the old holder can neither renew nor release what it lost, nor pass the fence
        assertThat(leases.renew(lost.unit(), "worker-1", lost.epoch(), TTL_SECONDS)).isZero();
        assertThat(leases.release(lost.unit(), "worker-1", lost.epoch())).isZero();
        assertThat(passesFence(lost)).isFalse();
        assertThat(passesFence(taken)).isTrue();
    }

    @Test
    void aReleasedUnitIsFreeForTheNextClaim()
    {
        createUnits("a");
        Lease lease = leases.claim("worker-1", prefix, 1, TTL_SECONDS, NONE).get(0);

        assertThat(leases.release(lease.unit(), "worker-1", lease.epoch())).isEqualTo(1);

        assertThat(leases.holder(lease.unit())).isEmpty();
        assertThat(leases.claim("worker-2", prefix, 1, TTL_SECONDS, NONE)).containsExactly(new Lease(lease.unit(), "worker-2", 2));
    }

    @Test
    void aStuckHolderKeepsItsExpiredUnitUntilItsTransactionIsEnded()
            throws SQLException
    {
        createUnits("a");
        Lease lease = leases.claim("worker-1", prefix, 1, TTL_SECONDS, NONE).get(0);
        String applicationName = "sluice test-" + UUID.randomUUID();
        expire(lease.unit());

        try (Connection stuck = connect(applicationName)) {
            // a worker paused inside a fenced write: its transaction holds the fence's row lock past the lease's end
            stuck.setAutoCommit(false);
            try (Statement statement = stuck.createStatement()) {
                statement.execute("select true from leases where unit = '" + lease.unit() + "' for share");
            }

            // the claim skips the locked row (SKIP LOCKED) rather than wait for it: the unit stays the stuck worker's
            // (a claim that waited would fail on the lock timeout instead of hanging the test)
            List<Lease> claimed = store.withHandle(handle -> {
                handle.execute("set lock_timeout = '10s'");
                return handle.attach(LeaseDao.class).claim("worker-2", prefix, 1, TTL_SECONDS, NONE);
            });
            assertThat(claimed).isEmpty();

            assertThat(leases.endTransactionsOf(applicationName, 0)).isEqualTo(1);

            assertThat(leases.claim("worker-2", prefix, 1, TTL_SECONDS, NONE)).containsExactly(new Lease(lease.unit(), "worker-2", lease.epoch() + 1));
            assertThatThrownBy(() -> stuck.createStatement().execute("select 1")).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void ownersOfLongExpiredLeasesAreOthersPastTheGrace()
    {
        createUnits("a", "b", "c");
        String longGone = "worker-" + UUID.randomUUID();
        String recentlyGone = "worker-" + UUID.randomUUID();
        String self = "worker-" + UUID.randomUUID();
        expireAgo(leases.claim(longGone, prefix + "a", 1, TTL_SECONDS, NONE).get(0).unit(), 120);
        expireAgo(leases.claim(recentlyGone, prefix + "b", 1, TTL_SECONDS, NONE).get(0).unit(), 5);
        expireAgo(leases.claim(self, prefix + "c", 1, TTL_SECONDS, NONE).get(0).unit(), 120);

        List<String> owners = leases.ownersOfLongExpiredLeases(self, 60);

        assertThat(owners).contains(longGone).doesNotContain(recentlyGone, self);
    }

    @Test
    void unitsFollowSourcesAndPushConsumers()
    {
        StoreRows rows = new StoreRows(store);
        AccountId account = rows.account();
        Source source = rows.source(account);
        Consumer pull = rows.pullConsumer(account, source.id());
        Consumer push = rows.pushConsumer(account, source.id());

        leases.createExtractUnitsAcrossAccounts();
        leases.createDeliverUnitsAcrossAccounts();

        assertThat(unitExists(Lease.extractUnit(source.id()))).isTrue();
        assertThat(unitExists(Lease.deliverUnit(push.id()))).isTrue();
        assertThat(unitExists(Lease.deliverUnit(pull.id()))).isFalse();

        store.onDemand(ConsumerDao.class).delete(account, push.id());
        store.onDemand(ConsumerDao.class).delete(account, pull.id());
        store.onDemand(SourceDao.class).delete(account, source.id());
        leases.deleteUnneededDeliverUnitsAcrossAccounts();
        leases.deleteUnneededExtractUnitsAcrossAccounts();

        assertThat(unitExists(Lease.extractUnit(source.id()))).isFalse();
        assertThat(unitExists(Lease.deliverUnit(push.id()))).isFalse();
    }

    @Test
    void liveWorkersAreThoseSeenWithinTheTtl()
    {
        String worker = "worker-" + UUID.randomUUID();
        int before = leases.liveWorkers(TTL_SECONDS);

        leases.heartbeat(worker, TTL_SECONDS);
        leases.heartbeat(worker, TTL_SECONDS);
        assertThat(leases.liveWorkers(TTL_SECONDS)).isEqualTo(before + 1);

        leases.forget(worker);
        assertThat(leases.liveWorkers(TTL_SECONDS)).isEqualTo(before);
    }

    private void createUnits(String... names)
    {
        store.useHandle(handle -> {
            for (String name : names) {
                handle.execute("insert into leases (unit) values (?)", prefix + name);
            }
        });
        assertThat(leases.countUnits(prefix)).isEqualTo(names.length);
    }

    private static void expire(String unit)
    {
        expireAgo(unit, 1);
    }

    private static void expireAgo(String unit, int seconds)
    {
        int updated = store.withHandle(handle -> handle.execute("update leases set expires_at = now() - make_interval(secs => ?) where unit = ?", seconds, unit));
        assertThat(updated).isEqualTo(1);
    }

    /** Whether {@code lease}'s holder may write: {@link LeaseDao#lockIfHeld} in a transaction of its own. */
    private static boolean passesFence(Lease lease)
    {
        return store.inTransaction(handle -> handle.attach(LeaseDao.class).lockIfHeld(lease.unit(), lease.owner(), lease.epoch()).isPresent());
    }

    private static boolean unitExists(String unit)
    {
        return store.withHandle(handle -> handle.createQuery("select count(*) from leases where unit = :unit").bind("unit", unit).mapTo(Integer.class).one()) == 1;
    }

    private static Connection connect(String applicationName)
            throws SQLException
    {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(postgres.jdbcUrl("postgres"), properties);
    }
}
