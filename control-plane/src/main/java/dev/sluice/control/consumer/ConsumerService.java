package dev.sluice.control.consumer;

import dev.sluice.control.Lookup;
import dev.sluice.control.Names;
import dev.sluice.control.StoreErrors;
import dev.sluice.control.endpoint.HttpEndpointService;
import dev.sluice.control.idempotency.Idempotency;
import dev.sluice.control.source.SourceService;
import dev.sluice.control.source.SourceTable;
import dev.sluice.core.Lsn;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.filter.Filter;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.BackfillId;
import dev.sluice.core.id.ConsumerId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.store.Page;
import dev.sluice.store.Store;
import dev.sluice.store.backfill.Backfill;
import dev.sluice.store.backfill.BackfillDao;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.store.endpoint.HttpEndpoint;
import dev.sluice.store.source.Source;
import dev.sluice.stream.MessageStore;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Consumers of an account. A consumer is checked against its source's catalog when it is saved: its
 * tables exist, each has a group key, and its filter names real columns.
 */
public final class ConsumerService
{
    private static final List<String> DEFAULT_ACTIONS = List.of("insert", "update", "delete");

    private final Store store;
    private final Idempotency idempotency;
    private final SourceService sources;
    private final HttpEndpointService endpoints;
    private final MessageStore messages;

    public ConsumerService(Store store, Idempotency idempotency, SourceService sources, HttpEndpointService endpoints, MessageStore messages)
    {
        this.messages = requireNonNull(messages, "messages is null");
        this.store = requireNonNull(store, "store is null");
        this.idempotency = requireNonNull(idempotency, "idempotency is null");
        this.sources = requireNonNull(sources, "sources is null");
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
    }

    public Consumer create(AccountId accountId, Optional<String> idempotencyKey, ConsumerInput input, Object request)
    {
        String name = input.name().orElseThrow();
        Names.check(ResourceKind.CONSUMER, name);
        Consumer.Kind kind = Consumer.Kind.valueOf(input.kind().orElseThrow().toUpperCase(Locale.ROOT));
        List<TableSelection> tables = input.tables().orElseThrow();
        ConsumerRules.checkTables("tables", tables);
        Optional<Filter> filter = ConsumerRules.checkFilter("filter", input.filter());
        ConsumerRules.checkTransform("transform", input.transform());
        StartPosition start = input.start().orElse(StartPosition.now());
        ConsumerRules.checkStart("start", start);
        Source source = referencedSource(accountId, input.source().orElseThrow());
        Optional<String> endpointId = checkDelivery(accountId, kind, input.endpoint(), input.path());
        checkAgainstCatalog(source, tables, filter, Optional.of(start));
        Lsn startLsn = sources.publish(accountId, source, tables);
        return idempotency.create(accountId.value(), idempotencyKey, "createConsumer", request, Consumer.class, handle -> {
            ConsumerId id = ConsumerId.generate();
            Instant now = Instant.now();
            Consumer consumer = new Consumer(accountId, id, name, source.id(), kind, tables, input.actions().orElse(DEFAULT_ACTIONS),
                    input.filter(), input.transform(), endpointId, kind == Consumer.Kind.PUSH ? input.path() : Optional.empty(),
                    input.batchSize().orElse(1), input.visibilityTimeoutSeconds().orElse(30), input.maxAckPending().orElse(1000),
                    input.maxDeliver().orElse(10), start, startLsn.asLong(), input.active().orElse(true), now, now,
                    input.filterTransitions().orElse(Consumer.FilterTransitions.NONE));
            ConsumerDao consumers = handle.attach(ConsumerDao.class);
            Names.unique(ResourceKind.CONSUMER, name, () -> {
                consumers.insert(consumer);
                return null;
            });
            if (start.at() != StartPosition.At.NOW) {
                // starting at the beginning or at a row is a backfill of the consumer's tables, merged with its live changes
                handle.attach(BackfillDao.class).insert(new Backfill(accountId, BackfillId.generate(), id, Backfill.State.PENDING, Optional.of(start),
                        Optional.empty(), tables, 0, Optional.empty(), Optional.empty(), Optional.empty(), now, now, Optional.empty()));
            }
            return consumers.findById(accountId, id).orElseThrow();
        });
    }

    public Consumer get(AccountId accountId, String idOrName)
    {
        // plain queries, not the DAO: every pull request looks its consumer up
        return store.withHandle(handle -> Lookup.find(ResourceKind.CONSUMER, idOrName,
                id -> ConsumerDao.findById(handle, accountId, new ConsumerId(id)), name -> ConsumerDao.findByName(handle, accountId, name)));
    }

    public Page<Consumer> list(AccountId accountId, String after, int limit)
    {
        return Page.of(store.onDemand(ConsumerDao.class).list(accountId, after, limit + 1), limit, consumer -> consumer.id().value());
    }

    /**
     * The checks of a create or update that need neither the account's data nor the source: the filter's
     * syntax and the transform's compilation. Throws as create would.
     */
    public void validate(Optional<String> filter, Optional<String> transform)
    {
        ConsumerRules.checkFilter("filter", filter);
        ConsumerRules.checkTransform("transform", transform);
    }

    public Consumer update(AccountId accountId, String idOrName, ConsumerInput changes)
    {
        changes.name().ifPresent(name -> Names.check(ResourceKind.CONSUMER, name));
        changes.tables().ifPresent(tables -> ConsumerRules.checkTables("tables", tables));
        Optional<String> newFilter = changes.filter().map(String::strip);
        Optional<String> newTransform = changes.transform();
        ConsumerRules.checkFilter("filter", newFilter.filter(text -> !text.isEmpty()));
        ConsumerRules.checkTransform("transform", newTransform.filter(text -> !text.isBlank()));
        Consumer current = get(accountId, idOrName);
        Optional<String> filterText = newFilter.isPresent() ? newFilter.filter(text -> !text.isEmpty()) : current.filter();
        Optional<String> transformText = newTransform.isPresent() ? newTransform.filter(text -> !text.isBlank()) : current.transform();
        List<TableSelection> tables = changes.tables().orElse(current.tables());
        Optional<String> endpointId = current.endpointId();
        Optional<String> path = current.path();
        if (changes.endpoint().isPresent() || changes.path().isPresent()) {
            endpointId = checkDelivery(accountId, current.kind(), changes.endpoint().or(current::endpointId), changes.path().or(current::path));
            path = changes.path().or(current::path);
        }
        if (changes.tables().isPresent() || newFilter.isPresent()) {
            Source source = sources.get(accountId, current.sourceId());
            checkAgainstCatalog(source, tables, ConsumerRules.checkFilter("filter", filterText), Optional.empty());
            sources.publish(accountId, source, tables);
        }
        Consumer updated = new Consumer(accountId, current.id(), changes.name().orElse(current.name()), current.sourceId(), current.kind(), tables,
                changes.actions().orElse(current.actions()), filterText, transformText, endpointId, path,
                changes.batchSize().orElse(current.batchSize()), changes.visibilityTimeoutSeconds().orElse(current.visibilityTimeoutSeconds()),
                changes.maxAckPending().orElse(current.maxAckPending()), changes.maxDeliver().orElse(current.maxDeliver()), current.start(),
                current.startLsn(), changes.active().orElse(current.active()), current.createdAt(), current.updatedAt(),
                changes.filterTransitions().orElse(current.filterTransitions()));
        return store.inTransaction(handle -> {
            ConsumerDao consumers = handle.attach(ConsumerDao.class);
            int rows = Names.unique(ResourceKind.CONSUMER, updated.name(), () -> consumers.update(updated));
            if (rows == 0) {
                throw SluiceException.notFound(ResourceKind.CONSUMER.displayName(), idOrName);
            }
            return consumers.findById(accountId, current.id()).orElseThrow();
        });
    }

    /** Messages waiting for, in flight to, and dead-lettered by the consumer. */
    public MessageStore.Counts status(AccountId accountId, String idOrName)
    {
        Consumer consumer = get(accountId, idOrName);
        return messages.counts(consumer.id());
    }

    public Optional<ConsumerDao.DeliveryHealth> deliveryHealth(AccountId accountId, String idOrName)
    {
        Consumer consumer = get(accountId, idOrName);
        return store.onDemand(ConsumerDao.class).deliveryHealth(accountId, consumer.id());
    }

    /**
     * Deletes the consumer and, by cascade, its messages. A worker delivering or storing for it at that moment
     * can make the delete lose a deadlock; it is then run again.
     */
    public void delete(AccountId accountId, String idOrName)
    {
        for (int attempt = 1; ; attempt++) {
            try {
                store.useTransaction(handle -> {
                    ConsumerDao consumers = handle.attach(ConsumerDao.class);
                    Consumer consumer = Lookup.find(ResourceKind.CONSUMER, idOrName, id -> consumers.findById(accountId, new ConsumerId(id)), name -> consumers.findByName(accountId, name));
                    consumers.delete(accountId, consumer.id());
                });
                return;
            }
            catch (RuntimeException e) {
                if (!StoreErrors.isTransient(e)) {
                    throw e;
                }
                if (attempt == 5) {
                    throw new SluiceException(ErrorCode.INVALID_STATE, "the consumer is busy delivering; retry the delete", e);
                }
            }
        }
    }

    private Source referencedSource(AccountId accountId, String sourceIdOrName)
    {
        try {
            return sources.get(accountId, sourceIdOrName);
        }
        catch (SluiceException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw SluiceException.invalid("source_id", "no source '" + sourceIdOrName + "' in this account");
            }
            throw e;
        }
    }

    private Optional<String> checkDelivery(AccountId accountId, Consumer.Kind kind, Optional<String> endpoint, Optional<String> path)
    {
        if (kind == Consumer.Kind.PULL) {
            if (endpoint.isPresent()) {
                throw SluiceException.invalid("endpoint_id", "only push consumers deliver to an HTTP endpoint");
            }
            if (path.isPresent()) {
                throw SluiceException.invalid("path", "only push consumers deliver to an HTTP endpoint");
            }
            return Optional.empty();
        }
        if (endpoint.isEmpty()) {
            throw SluiceException.invalid("endpoint_id", "is required for push consumers");
        }
        path.ifPresent(value -> {
            if (!value.isEmpty() && (!value.startsWith("/") || value.chars().anyMatch(c -> c <= ' ' || c == '#'))) {
                throw SluiceException.invalid("path", "must start with / and contain no spaces or fragment");
            }
        });
        try {
            HttpEndpoint found = endpoints.get(accountId, endpoint.get());
            return Optional.of(found.id());
        }
        catch (SluiceException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw SluiceException.invalid("endpoint_id", "no HTTP endpoint '" + endpoint.get() + "' in this account");
            }
            throw e;
        }
    }

    /**
     * Checks tables, group keys, filter columns and the start column against the source. Tables without a
     * primary key need group columns and REPLICA IDENTITY FULL, or deletes could not be attributed to a group.
     */
    private void checkAgainstCatalog(Source source, List<TableSelection> tables, Optional<Filter> filter, Optional<StartPosition> start)
    {
        List<SourceTable> catalog;
        try {
            catalog = sources.tables(source);
        }
        catch (SluiceException e) {
            if (e.code() == ErrorCode.SOURCE_UNAVAILABLE) {
                throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED, "cannot check the consumer's tables: " + e.getMessage(), e);
            }
            throw e;
        }
        Map<String, SourceTable> byName = catalog.stream().collect(Collectors.toMap(table -> table.schema() + "." + table.name(), Function.identity()));
        for (int i = 0; i < tables.size(); i++) {
            TableSelection selection = tables.get(i);
            String at = "tables[" + i + "]";
            SourceTable table = byName.get(selection.qualifiedName());
            if (table == null) {
                throw SluiceException.invalid(at + ".table", "table " + selection.qualifiedName() + " does not exist in source '" + source.name() + "'");
            }
            List<String> columns = table.columns().stream().map(SourceTable.Column::name).toList();
            for (int j = 0; j < selection.groupColumns().size(); j++) {
                if (!columns.contains(selection.groupColumns().get(j))) {
                    throw SluiceException.invalid(at + ".group_columns[" + j + "]", "column " + selection.groupColumns().get(j) + " does not exist in " + selection.qualifiedName());
                }
            }
            if (table.primaryKey().isEmpty()) {
                if (selection.groupColumns().isEmpty()) {
                    throw SluiceException.invalid(at + ".group_columns", "table " + selection.qualifiedName()
                            + " has no primary key; name the columns that identify a row in group_columns and set REPLICA IDENTITY FULL on it");
                }
                if (!table.replicaIdentity().equals("full")) {
                    throw SluiceException.invalid(at + ".group_columns", "table " + selection.qualifiedName()
                            + " has no primary key, so deletes carry no key; run ALTER TABLE " + selection.qualifiedName() + " REPLICA IDENTITY FULL");
                }
            }
            if (filter.isPresent()) {
                for (String column : filter.get().columns()) {
                    if (!columns.contains(column)) {
                        throw SluiceException.invalid("filter", "column " + column + " does not exist in " + selection.qualifiedName());
                    }
                    // a filter on a column changes do not carry could not judge any change
                    boolean streamed = table.columns().stream().filter(candidate -> candidate.name().equals(column)).allMatch(SourceTable.Column::streamed);
                    if (!streamed) {
                        throw SluiceException.invalid("filter", "column " + column + " of " + selection.qualifiedName() + " is a generated column that changes "
                                + "from the WAL do not carry (Postgres sends stored generated columns from version 18, with the publication's "
                                + "publish_generated_columns = stored); filter on the columns it is computed from");
                    }
                }
            }
            if (start.isPresent() && start.get().at() == StartPosition.At.ROW && !columns.contains(start.get().sortColumn())) {
                throw SluiceException.invalid("start.sort_column", "column " + start.get().sortColumn() + " does not exist in " + selection.qualifiedName());
            }
        }
    }
}
