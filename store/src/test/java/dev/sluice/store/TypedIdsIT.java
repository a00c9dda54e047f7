package dev.sluice.store;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.BackfillId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.ResourceId;
import dev.sluice.core.id.SourceId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every typed id is bound as its text and read back as the type asked for; a null column stays null. */
@ExtendWith(MetadataStoreExtension.class)
class TypedIdsIT
{
    private static Store store;

    @BeforeAll
    static void connect(Store store)
    {
        TypedIdsIT.store = store;
    }

    @Test
    void everyKindOfIdIsBoundAsItsTextAndReadBackAsItsType()
    {
        List<ResourceId> ids = List.of(AccountId.generate(), SourceId.generate(), ConsumerId.generate(), BackfillId.generate());
        for (ResourceId id : ids) {
            String text = store.withHandle(handle -> handle.createQuery("select :id::text").bind("id", id).mapTo(String.class).one());
            assertThat(text).isEqualTo(id.value());
            ResourceId read = store.withHandle(handle -> handle.createQuery("select :text").bind("text", id.value()).mapTo(id.getClass()).one());
            assertThat(read).isEqualTo(id);
        }
    }

    @Test
    void aNullColumnIsNoId()
    {
        Optional<ConsumerId> read = store.withHandle(handle -> handle.createQuery("select null::text").mapTo(ConsumerId.class).findOne());

        assertThat(read).isEmpty();
    }

    @Test
    void textOfAnotherKindIsRefused()
    {
        SourceId source = SourceId.generate();

        assertThatThrownBy(() -> store.withHandle(handle -> handle.createQuery("select :text").bind("text", source.value()).mapTo(ConsumerId.class).one()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a consumer id: " + source.value());
    }
}
