package dev.sluice.store;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.store.backfill.Backfill;
import dev.sluice.store.backfill.BackfillDao;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceDao;
import dev.sluice.store.token.TokenDao;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenancy is enforced in the store: another account's id never finds, lists, changes or deletes a row,
 * even with the row's own id. (The API turns the empty answer into a 404.)
 */
@ExtendWith(MetadataStoreExtension.class)
class AccountScopingIT
{
    private static Store store;

    private AccountId owner;
    private AccountId other;
    private Source source;
    private Consumer consumer;

    @BeforeAll
    static void connect(Store store)
    {
        AccountScopingIT.store = store;
    }

    @BeforeEach
    void twoAccounts()
    {
        StoreRows rows = new StoreRows(store);
        owner = rows.account();
        other = rows.account();
        source = rows.source(owner);
        consumer = rows.pullConsumer(owner, source.id());
    }

    @Test
    void sourcesOfAnotherAccountAreInvisible()
    {
        SourceDao sources = store.onDemand(SourceDao.class);

        assertThat(sources.findById(owner, source.id())).isPresent();
        assertThat(sources.findById(other, source.id())).isEmpty();
        assertThat(sources.findByName(other, source.name())).isEmpty();
        assertThat(sources.list(other, "", 100)).isEmpty();
        assertThat(sources.update(new Source(other, source.id(), "taken", "evil.example.com", 5432, source.database(), "x", "y",
                "disable", source.publicationName(), source.slotName(), true, true, source.createdAt(), source.updatedAt()))).isZero();
        assertThat(sources.delete(other, source.id())).isZero();

        assertThat(sources.findById(owner, source.id()).orElseThrow().host()).isEqualTo(source.host());
    }

    @Test
    void consumersOfAnotherAccountAreInvisible()
    {
        ConsumerDao consumers = store.onDemand(ConsumerDao.class);
        Consumer stolen = new Consumer(other, consumer.id(), "taken", consumer.sourceId(), consumer.kind(), consumer.tables(), consumer.actions(),
                Optional.of("true"), Optional.empty(), Optional.empty(), Optional.empty(), 1, 1, 1, 1, StartPosition.now(), 0, false,
                consumer.createdAt(), consumer.updatedAt());

        assertThat(consumers.findById(other, consumer.id())).isEmpty();
        assertThat(consumers.findByName(other, consumer.name())).isEmpty();
        assertThat(consumers.list(other, "", 100)).isEmpty();
        assertThat(consumers.namesReading(other, source.id())).isEmpty();
        assertThat(consumers.deliveryHealth(other, consumer.id())).isEmpty();
        assertThat(consumers.update(stolen)).isZero();
        assertThat(consumers.delete(other, consumer.id())).isZero();

        Consumer kept = consumers.findById(owner, consumer.id()).orElseThrow();
        assertThat(kept.name()).isEqualTo(consumer.name());
        assertThat(kept.filter()).isEmpty();
        assertThat(consumers.namesReading(owner, source.id())).containsExactly(consumer.name());
    }

    @Test
    void backfillsOfAnotherAccountAreInvisible()
    {
        BackfillDao backfills = store.onDemand(BackfillDao.class);
        Backfill backfill = backfills.start(owner, consumer.id(), StartPosition.now(), Optional.empty(), consumer.tables());

        assertThat(backfills.findById(other, consumer.id(), backfill.id())).isEmpty();
        assertThat(backfills.list(other, consumer.id(), "", 100)).isEmpty();
        assertThat(backfills.transition(other, backfill.id(), new String[] {"pending"}, "cancelled")).isZero();

        assertThat(backfills.findById(owner, consumer.id(), backfill.id()).orElseThrow().state()).isEqualTo(Backfill.State.PENDING);
    }

    @Test
    void tokensOfAnotherAccountAreInvisible()
    {
        TokenDao tokens = store.onDemand(TokenDao.class);
        String tokenId = ResourceKind.TOKEN.newId();
        tokens.insert(owner, tokenId, "ci", new String[] {"manage"}, "hash-" + tokenId, "slc_abcd");

        assertThat(tokens.findById(other, tokenId)).isEmpty();
        assertThat(tokens.findByName(other, "ci")).isEmpty();
        assertThat(tokens.list(other, "", 100)).isEmpty();
        assertThat(tokens.delete(other, tokenId)).isZero();

        assertThat(tokens.findById(owner, tokenId)).isPresent();
    }
}
