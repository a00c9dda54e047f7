package dev.sluice.store;

import dev.sluice.store.idempotency.IdempotencyDao;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An idempotency key is claimed once per scope and remembered, with the create's result, for 24 hours. */
@ExtendWith(MetadataStoreExtension.class)
class IdempotencyDaoIT
{
    private static Store store;
    private static IdempotencyDao keys;

    @BeforeAll
    static void connect(Store store)
    {
        IdempotencyDaoIT.store = store;
        keys = store.onDemand(IdempotencyDao.class);
    }

    @Test
    void aKeyIsClaimedOncePerScope()
    {
        String scope = "acc-" + UUID.randomUUID();
        keys.claim(scope, "key-1", "createSource", "fingerprint-a");

        assertThatThrownBy(() -> keys.claim(scope, "key-1", "createSource", "fingerprint-a"))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasMessageContaining("idempotency_keys_pkey");
        keys.claim("acc-" + UUID.randomUUID(), "key-1", "createSource", "fingerprint-a");
    }

    @Test
    void aCompletedKeyReturnsItsResultFor24Hours()
    {
        String scope = "acc-" + UUID.randomUUID();
        keys.claim(scope, "key-1", "createConsumer", "fingerprint-a");
        assertThat(keys.find(scope, "key-1")).contains(new IdempotencyDao.StoredResult("createConsumer", "fingerprint-a", null));

        keys.complete(scope, "key-1", "encrypted-result");
        assertThat(keys.find(scope, "key-1")).contains(new IdempotencyDao.StoredResult("createConsumer", "fingerprint-a", "encrypted-result"));
        assertThat(keys.deleteExpired(scope, "key-1")).isZero();

        // a day later
        store.useHandle(handle -> handle.execute("update idempotency_keys set created_at = created_at - interval '24 hours' where scope = ?", scope));
        assertThat(keys.find(scope, "key-1")).isEmpty();
        assertThat(keys.deleteExpired(scope, "key-1")).isEqualTo(1);
        keys.claim(scope, "key-1", "createConsumer", "fingerprint-b");
        assertThat(keys.find(scope, "key-1")).contains(new IdempotencyDao.StoredResult("createConsumer", "fingerprint-b", null));
    }
}
