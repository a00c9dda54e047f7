package dev.sluice.store.idempotency;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;

/**
 * Idempotency keys of creates. The scope is an account id (or {@code operator}); a key is remembered for
 * 24 hours.
 */
public interface IdempotencyDao
{
    /** Claims a key inside the create's transaction; a concurrent claim of the same key waits, then fails. */
    @SqlUpdate("insert into idempotency_keys (scope, key, operation, fingerprint) values (:scope, :key, :operation, :fingerprint)")
    void claim(@Bind("scope") String scope, @Bind("key") String key, @Bind("operation") String operation, @Bind("fingerprint") String fingerprint);

    @SqlUpdate("update idempotency_keys set result_encrypted = :result where scope = :scope and key = :key")
    void complete(@Bind("scope") String scope, @Bind("key") String key, @Bind("result") String resultEncrypted);

    @RegisterConstructorMapper(StoredResult.class)
    @SqlQuery("select operation, fingerprint, result_encrypted from idempotency_keys where scope = :scope and key = :key and created_at > now() - interval '24 hours'")
    Optional<StoredResult> find(@Bind("scope") String scope, @Bind("key") String key);

    @SqlUpdate("delete from idempotency_keys where scope = :scope and key = :key and created_at <= now() - interval '24 hours'")
    int deleteExpired(@Bind("scope") String scope, @Bind("key") String key);

    /** What a completed create stored for its key. */
    record StoredResult(String operation, String fingerprint, String resultEncrypted) {}
}
