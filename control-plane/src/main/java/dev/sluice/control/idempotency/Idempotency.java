package dev.sluice.control.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.control.StoreErrors;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.json.SluiceJson;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.store.Json;
import dev.sluice.store.Store;
import dev.sluice.store.idempotency.IdempotencyDao;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Makes creates idempotent. The key is claimed in the same transaction that creates the resource, so
 * two concurrent retries cannot both create: the second waits for the first to commit and then returns
 * its result. Results are stored encrypted because some (new tokens) carry secrets.
 */
public final class Idempotency
{
    private static final ObjectMapper CANONICAL = SluiceJson.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private final Store store;
    private final SecretBox secrets;

    public Idempotency(Store store, SecretBox secrets)
    {
        this.store = requireNonNull(store, "store is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
    }

    /**
     * Runs {@code create} in a transaction, or returns the result of an earlier create with the same
     * key. The same key with a different request is refused.
     */
    public <T> T create(String scope, Optional<String> key, String operation, Object request, Class<T> resultType, HandleCallback<T, RuntimeException> create)
    {
        if (key.isEmpty()) {
            return store.inTransaction(create);
        }
        String fingerprint = fingerprint(operation, request);
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<T> earlier = earlierResult(scope, key.get(), fingerprint, resultType);
            if (earlier.isPresent()) {
                return earlier.get();
            }
            try {
                return store.inTransaction(handle -> {
                    IdempotencyDao keys = handle.attach(IdempotencyDao.class);
                    keys.deleteExpired(scope, key.get());
                    claim(handle, scope, key.get(), operation, fingerprint);
                    T result = create.withHandle(handle);
                    keys.complete(scope, key.get(), secrets.encrypt(Json.write(result)));
                    return result;
                });
            }
            catch (ConcurrentClaim retry) {
                // another request with this key committed first: return its result on the next pass
            }
        }
        throw new SluiceException(ErrorCode.INVALID_STATE, "a request with this Idempotency-Key is still in progress; retry later");
    }

    /**
     * The result of an earlier create with this key, for creates that must do outside work (on a source
     * database) before their transaction, and so look first.
     */
    public <T> Optional<T> earlier(String scope, Optional<String> key, String operation, Object request, Class<T> resultType)
    {
        if (key.isEmpty()) {
            return Optional.empty();
        }
        return earlierResult(scope, key.get(), fingerprint(operation, request), resultType);
    }

    private <T> Optional<T> earlierResult(String scope, String key, String fingerprint, Class<T> resultType)
    {
        return store.withHandle(handle -> handle.attach(IdempotencyDao.class).find(scope, key)).map(stored -> {
            if (!stored.fingerprint().equals(fingerprint)) {
                throw new SluiceException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "this Idempotency-Key was used for a different request in the last 24 hours; use a new key");
            }
            return Json.read(secrets.decrypt(stored.resultEncrypted()), resultType);
        });
    }

    private static void claim(Handle handle, String scope, String key, String operation, String fingerprint)
    {
        try {
            handle.attach(IdempotencyDao.class).claim(scope, key, operation, fingerprint);
        }
        catch (RuntimeException e) {
            if (StoreErrors.isUniqueViolation(e)) {
                throw new ConcurrentClaim();
            }
            throw e;
        }
    }

    private static String fingerprint(String operation, Object request)
    {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(operation.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(CANONICAL.writeValueAsBytes(request));
            return HexFormat.of().formatHex(digest.digest());
        }
        catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class ConcurrentClaim
            extends RuntimeException
    {
        ConcurrentClaim()
        {
            super(null, null, false, false);
        }
    }
}
