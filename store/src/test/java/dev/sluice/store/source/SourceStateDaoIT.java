package dev.sluice.store.source;

import dev.sluice.core.Lsn;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.SourceId;
import dev.sluice.store.MetadataStoreExtension;
import dev.sluice.store.Store;
import dev.sluice.store.StoreRows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A source's replication state: the checkpoint only moves forward, and health states keep what a user needs to see. */
@ExtendWith(MetadataStoreExtension.class)
class SourceStateDaoIT
{
    private static Store store;
    private static SourceStateDao states;

    private AccountId account;
    private SourceId sourceId;

    @BeforeAll
    static void connect(Store store)
    {
        SourceStateDaoIT.store = store;
        states = store.onDemand(SourceStateDao.class);
    }

    @BeforeEach
    void newSource()
    {
        StoreRows rows = new StoreRows(store);
        account = rows.account();
        sourceId = rows.source(account).id();
        states.ensure(sourceId);
    }

    @Test
    void aNewSourceIsIdleAtLsnZeroAndEnsureKeepsItsState()
    {
        states.advance(sourceId, Lsn.valueOf(100), 1, 1, "worker-1");
        states.ensure(sourceId);

        SourceState state = state();
        assertThat(state.checkpoint()).isEqualTo(Lsn.valueOf(100));

        SourceId other = new StoreRows(store).source(account).id();
        states.ensure(other);
        SourceState fresh = states.find(other).orElseThrow();
        assertThat(fresh.state()).isEqualTo("idle");
        assertThat(fresh.checkpoint()).isEqualTo(Lsn.INVALID);
        assertThat(fresh.worker()).isEmpty();
        assertThat(fresh.slotLagBytes()).isEmpty();
        assertThat(fresh.lastError()).isEmpty();
    }

    @Test
    void theCheckpointMovesForwardNeverBackAndCountsAddUp()
    {
        assertThat(states.advance(sourceId, Lsn.valueOf(0x1_0000_0000L), 10, 20, "worker-1")).isEqualTo(1);
        assertThat(states.advance(sourceId, Lsn.valueOf(0x0_FFFF_0000L), 3, 6, "worker-2")).isEqualTo(1);

        SourceState state = state();
        assertThat(state.checkpoint()).isEqualTo(Lsn.valueOf(0x1_0000_0000L));
        assertThat(state.changesRead()).isEqualTo(13);
        assertThat(state.messagesStored()).isEqualTo(26);
        assertThat(state.state()).isEqualTo("streaming");
        assertThat(state.worker()).contains("worker-2");
    }

    @Test
    void anLsnAboveTwoToTheSixtyThreeOrdersAsUnsignedAndNeverMovesTheCheckpointBack()
    {
        // stored as a bigint, an LSN above 2^63 is negative: a signed comparison would take it for the smallest
        Lsn belowHalf = Lsn.parse("7FFFFFFF/FFFFFF00");
        Lsn aboveHalf = Lsn.parse("80000000/00000010");
        Lsn later = Lsn.parse("80000000/00000020");

        states.advance(sourceId, belowHalf, 1, 1, "worker-1");
        states.advance(sourceId, aboveHalf, 1, 1, "worker-1");
        assertThat(state().checkpoint()).isEqualTo(aboveHalf);

        states.advance(sourceId, belowHalf, 1, 1, "worker-1");
        states.advance(sourceId, Lsn.valueOf(100), 1, 1, "worker-1");
        assertThat(state().checkpoint()).isEqualTo(aboveHalf);

        states.advance(sourceId, later, 1, 1, "worker-1");
        states.advance(sourceId, aboveHalf, 1, 1, "worker-1");
        assertThat(state().checkpoint()).isEqualTo(later);

        // a reset to a slot that starts below the checkpoint keeps the checkpoint, above it moves it
        states.slotReset(sourceId, belowHalf);
        assertThat(state().checkpoint()).isEqualTo(later);
        Lsn newSlot = Lsn.parse("FFFFFFFF/00000000");
        states.slotReset(sourceId, newSlot);
        assertThat(state().checkpoint()).isEqualTo(newSlot);
        assertThat(state().state()).isEqualTo("idle");
    }

    @Test
    void aFailureKeepsItsMessageAndTime()
    {
        states.advance(sourceId, Lsn.valueOf(100), 1, 1, "worker-1");

        assertThat(states.fail(sourceId, "connection refused")).isEqualTo(1);

        SourceState state = state();
        assertThat(state.state()).isEqualTo("failed");
        assertThat(state.lastError()).contains("connection refused");
        assertThat(state.lastErrorAt()).isPresent();
        assertThat(state.checkpoint()).isEqualTo(Lsn.valueOf(100));
    }

    @Test
    void aLostSlotKeepsWhenItWasFirstSeenUntilItIsReset()
    {
        states.advance(sourceId, Lsn.valueOf(500), 1, 1, "worker-1");
        states.slotLost(sourceId, "slot invalidated");
        // the first report an hour ago
        store.useHandle(handle -> handle.execute("update source_state set last_error_at = last_error_at - interval '1 hour' where source_id = ?", sourceId));
        Instant earlier = state().lastErrorAt().orElseThrow();

        states.slotLost(sourceId, "slot still invalidated");

        SourceState lost = state();
        assertThat(lost.state()).isEqualTo("slot_lost");
        assertThat(lost.lastError()).contains("slot still invalidated");
        assertThat(lost.lastErrorAt()).contains(earlier);

        // a new slot streams from its own position: the checkpoint moves there, not back
        assertThat(states.slotReset(sourceId, Lsn.valueOf(900))).isEqualTo(1);
        assertThat(state().state()).isEqualTo("idle");
        assertThat(state().checkpoint()).isEqualTo(Lsn.valueOf(900));
        states.slotReset(sourceId, Lsn.valueOf(700));
        assertThat(state().checkpoint()).isEqualTo(Lsn.valueOf(900));
    }

    @Test
    void slotLagIsKeptAndCleared()
    {
        states.setSlotLag(sourceId, 4096L);
        assertThat(state().slotLagBytes()).contains(4096L);

        states.setSlotLag(sourceId, null);
        assertThat(state().slotLagBytes()).isEqualTo(Optional.empty());
    }

    @Test
    void stateGoesWithItsSource()
    {
        assertThat(store.onDemand(SourceDao.class).delete(account, sourceId)).isEqualTo(1);

        assertThat(states.find(sourceId)).isEmpty();
        assertThat(states.advance(sourceId, Lsn.valueOf(100), 1, 1, "worker-1")).isZero();
    }

    private SourceState state()
    {
        return states.find(sourceId).orElseThrow();
    }
}
