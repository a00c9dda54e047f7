package dev.sluice.store.token;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.store.MetadataStoreExtension;
import dev.sluice.store.Store;
import dev.sluice.store.StoreRows;
import dev.sluice.store.account.AccountDao;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens are found by the hash of their secret, with their account's status; use is recorded at most once a minute. */
@ExtendWith(MetadataStoreExtension.class)
class TokenDaoIT
{
    private static Store store;
    private static TokenDao tokens;

    @BeforeAll
    static void connect(Store store)
    {
        TokenDaoIT.store = store;
        tokens = store.onDemand(TokenDao.class);
    }

    @Test
    void aTokenIsFoundByItsHashWithItsScopesAndAccount()
    {
        AccountId account = new StoreRows(store).account();
        String id = ResourceKind.TOKEN.newId();
        tokens.insert(account, id, "ci", new String[] {"consume", "read"}, "hash-" + id, "slc_ab12");

        TokenDao.AuthenticatedToken found = tokens.authenticate("hash-" + id).orElseThrow();

        assertThat(found.token().id()).isEqualTo(id);
        assertThat(found.token().accountId()).isEqualTo(account);
        assertThat(found.token().scopes()).isEqualTo(Set.of(Scope.CONSUME, Scope.READ));
        assertThat(found.token().prefix()).isEqualTo("slc_ab12");
        assertThat(found.token().lastUsedAt()).isEmpty();
        assertThat(found.accountActive()).isTrue();
        assertThat(tokens.authenticate("hash-of-another-secret")).isEmpty();

        store.onDemand(AccountDao.class).setStatus(account, "disabled");
        assertThat(tokens.authenticate("hash-" + id).orElseThrow().accountActive()).isFalse();
    }

    @Test
    void useIsRecordedAtMostOnceAMinute()
    {
        AccountId account = new StoreRows(store).account();
        String id = ResourceKind.TOKEN.newId();
        tokens.insert(account, id, "ci", new String[] {"manage"}, "hash-" + id, "slc_cd34");

        tokens.touch(id);
        Instant first = tokens.findById(account, id).orElseThrow().lastUsedAt().orElseThrow();
        tokens.touch(id);
        assertThat(tokens.findById(account, id).orElseThrow().lastUsedAt()).contains(first);

        // a minute later
        store.useHandle(handle -> handle.execute("update api_tokens set last_used_at = last_used_at - interval '61 seconds' where id = ?", id));
        tokens.touch(id);
        assertThat(tokens.findById(account, id).orElseThrow().lastUsedAt().orElseThrow()).isAfter(first.minusSeconds(61));
    }
}
