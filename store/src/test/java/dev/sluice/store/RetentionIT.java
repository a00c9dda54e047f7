package dev.sluice.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The retention purge deletes expired bookkeeping and nothing that is still in use. */
class RetentionIT
{
    @TempDir
    static Path directory;
    private static EmbeddedMetadataPostgres postgres;
    private static Store store;

    @BeforeAll
    static void start()
    {
        postgres = EmbeddedMetadataPostgres.start(directory.resolve("postgres"), 0);
        Store.migrate(postgres.dataSource("postgres"));
        store = new Store(postgres.dataSource("postgres"));
    }

    @AfterAll
    static void stop()
    {
        postgres.close();
    }

    @Test
    void expiredIdempotencyKeysAndOldDeliveryCountsGoRecentOnesStay()
    {
        store.useHandle(handle -> {
            handle.execute("""
                    insert into idempotency_keys (scope, key, operation, fingerprint, created_at)
                    select 'acc_x', 'old-' || g, 'create', 'f', now() - interval '25 hours' from generate_series(1, 25000) g
                    """);
            handle.execute("insert into idempotency_keys (scope, key, operation, fingerprint, created_at) values ('acc_x', 'recent', 'create', 'f', now() - interval '23 hours')");
            // per-minute counts of a consumer that need not exist here: foreign keys are not what this test is about
            handle.execute("set session_replication_role = replica");
            handle.execute("""
                    insert into delivery_stats (consumer_id, minute, delivered, acked)
                    select 'con_x', date_trunc('minute', now()) - make_interval(mins => g), 1, 1 from generate_series(0, 8 * 24 * 60) g
                    """);
            handle.execute("set session_replication_role = origin");
        });

        Retention.Purged purged = new Retention(store).purge();

        assertThat(purged.idempotencyKeys()).isEqualTo(25_000);
        List<String> keys = store.withHandle(handle -> handle.createQuery("select key from idempotency_keys").mapTo(String.class).list());
        assertThat(keys).containsExactly("recent");
        long kept = store.withHandle(handle -> handle.createQuery("select count(*) from delivery_stats").mapTo(Long.class).one());
        assertThat(kept).isBetween(7L * 24 * 60 - 1, 7L * 24 * 60 + 1);
        assertThat(purged.deliveryStats() + kept).isEqualTo(8 * 24 * 60 + 1);
        assertThat(new Retention(store).purge().idempotencyKeys()).isZero();
    }
}
