package dev.sluice.control.consumer;

import dev.sluice.control.idempotency.Idempotency;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.BackfillId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.store.Page;
import dev.sluice.store.Store;
import dev.sluice.store.backfill.Backfill;
import dev.sluice.store.backfill.BackfillDao;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Backfills (rewinds and replays) of an account's consumers: their definition and state machine
 * (pending → running → completed, with pause, resume and cancel). Data-plane workers run them.
 */
public final class BackfillService
{
    private final Store store;
    private final Idempotency idempotency;
    private final ConsumerService consumers;

    public BackfillService(Store store, Idempotency idempotency, ConsumerService consumers)
    {
        this.store = requireNonNull(store, "store is null");
        this.idempotency = requireNonNull(idempotency, "idempotency is null");
        this.consumers = requireNonNull(consumers, "consumers is null");
    }

    public Backfill create(AccountId accountId, String consumerIdOrName, Optional<String> idempotencyKey, Optional<StartPosition> start,
            Optional<String> filter, Optional<List<TableSelection>> tables, Object request)
    {
        Consumer consumer = consumers.get(accountId, consumerIdOrName);
        start.ifPresent(position -> {
            ConsumerRules.checkStart("start", position);
            if (position.at() == StartPosition.At.NOW) {
                throw SluiceException.invalid("start.at", "a backfill starts at the beginning or at a row");
            }
        });
        ConsumerRules.checkFilter("filter", filter);
        List<TableSelection> selected = tables.orElse(consumer.tables());
        ConsumerRules.checkTables("tables", selected);
        for (int i = 0; i < selected.size(); i++) {
            TableSelection table = selected.get(i);
            boolean known = consumer.tables().stream().anyMatch(own -> own.qualifiedName().equals(table.qualifiedName()));
            if (!known) {
                throw SluiceException.invalid("tables[" + i + "]", "consumer '" + consumer.name() + "' does not read " + table.qualifiedName());
            }
        }
        return idempotency.create(accountId.value(), idempotencyKey, "createBackfill:" + consumer.id(), request, Backfill.class,
                handle -> handle.attach(BackfillDao.class).start(accountId, consumer.id(),
                        start.orElse(new StartPosition(StartPosition.At.BEGINNING, null, null)), filter, selected));
    }

    public Backfill get(AccountId accountId, String consumerIdOrName, String backfillId)
    {
        Consumer consumer = consumers.get(accountId, consumerIdOrName);
        // text that is no backfill id names no backfill
        return Optional.of(backfillId).filter(ResourceKind.BACKFILL::isId)
                .flatMap(id -> store.onDemand(BackfillDao.class).findById(accountId, consumer.id(), new BackfillId(id)))
                .orElseThrow(() -> SluiceException.notFound(ResourceKind.BACKFILL.displayName(), backfillId));
    }

    public Page<Backfill> list(AccountId accountId, String consumerIdOrName, String after, int limit)
    {
        Consumer consumer = consumers.get(accountId, consumerIdOrName);
        return Page.of(store.onDemand(BackfillDao.class).list(accountId, consumer.id(), after, limit + 1), limit, backfill -> backfill.id().value());
    }

    public Backfill pause(AccountId accountId, String consumerIdOrName, String backfillId)
    {
        return transition(accountId, consumerIdOrName, backfillId, Backfill.State.PAUSED, Backfill.State.PENDING, Backfill.State.RUNNING);
    }

    public Backfill resume(AccountId accountId, String consumerIdOrName, String backfillId)
    {
        return transition(accountId, consumerIdOrName, backfillId, Backfill.State.PENDING, Backfill.State.PAUSED);
    }

    public Backfill cancel(AccountId accountId, String consumerIdOrName, String backfillId)
    {
        return transition(accountId, consumerIdOrName, backfillId, Backfill.State.CANCELLED, Backfill.State.PENDING, Backfill.State.RUNNING, Backfill.State.PAUSED);
    }

    private Backfill transition(AccountId accountId, String consumerIdOrName, String backfillId, Backfill.State to, Backfill.State... from)
    {
        Backfill backfill = get(accountId, consumerIdOrName, backfillId);
        if (backfill.state() == to) {
            return backfill;
        }
        String[] fromValues = Arrays.stream(from).map(Backfill.State::value).toArray(String[]::new);
        int rows = store.onDemand(BackfillDao.class).transition(accountId, backfill.id(), fromValues, to.value());
        if (rows == 0) {
            Backfill now = get(accountId, consumerIdOrName, backfillId);
            throw new SluiceException(ErrorCode.INVALID_STATE, "backfill " + backfill.id() + " is " + now.state().value() + " and cannot become " + to.value());
        }
        return get(accountId, consumerIdOrName, backfillId);
    }
}
