package dev.sluice.control.source;

import dev.sluice.control.Lookup;
import dev.sluice.control.Names;
import dev.sluice.control.idempotency.Idempotency;
import dev.sluice.core.Lsn;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.core.id.SourceId;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.source.SourceAdmin;
import dev.sluice.source.SourceConnection;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.Page;
import dev.sluice.store.Store;
import dev.sluice.store.backfill.Backfill;
import dev.sluice.store.backfill.BackfillDao;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.store.lease.Lease;
import dev.sluice.store.lease.LeaseDao;
import dev.sluice.store.source.Source;
import dev.sluice.store.source.SourceDao;
import dev.sluice.store.source.SourceState;
import dev.sluice.store.source.SourceStateDao;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Sources of an account. A source is only saved once its database passed the checks, so every stored
 * source could be streamed when it was saved.
 */
public final class SourceService
{
    private final Store store;
    private final Idempotency idempotency;
    private final SecretBox secrets;
    private static final Logger LOG = LoggerFactory.getLogger(SourceService.class);

    private final SourceChecker checker;
    private final Duration connectTimeout;

    public SourceService(Store store, Idempotency idempotency, SecretBox secrets, SourceChecker checker)
    {
        this.store = requireNonNull(store, "store is null");
        this.idempotency = requireNonNull(idempotency, "idempotency is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.checker = requireNonNull(checker, "checker is null");
        this.connectTimeout = checker.connectTimeout();
    }

    public Source create(AccountId accountId, Optional<String> idempotencyKey, NewSource input, Object request)
    {
        Names.check(ResourceKind.SOURCE, input.name());
        checkHost(input.host());
        Optional<Source> earlier = idempotency.earlier(accountId.value(), idempotencyKey, "createSource", request, Source.class);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        if (store.onDemand(SourceDao.class).findByName(accountId, input.name()).isPresent()) {
            throw Names.taken(ResourceKind.SOURCE, input.name());
        }
        SourceId id = SourceId.generate();
        String defaultName = "sluice_" + id.value().substring(id.value().indexOf('_') + 1);
        SourceConnection connection = new SourceConnection(input.host(), input.port(), input.database(), input.username(), input.password(), input.sslMode(),
                input.publicationName().orElse(defaultName), input.slotName().orElse(defaultName), input.managePublication(), input.manageSlot());
        CheckResult result = checker.check(connection);
        if (!result.ok()) {
            throw new SourceCheckFailedException(result);
        }
        // outside any metadata transaction: creating a slot waits for every open writing transaction of its server,
        // and in dev mode the metadata store and the source are one server
        prepareReplication(connection);
        Source created;
        try {
            created = idempotency.create(accountId.value(), idempotencyKey, "createSource", request, Source.class, handle -> {
                Instant now = Instant.now();
                Source source = new Source(accountId, id, input.name(), connection.host(), connection.port(), connection.database(), connection.username(),
                        secrets.encrypt(connection.password()), connection.sslMode(), connection.publicationName(), connection.slotName(),
                        connection.managePublication(), connection.manageSlot(), now, now);
                SourceDao sources = handle.attach(SourceDao.class);
                Names.unique(ResourceKind.SOURCE, input.name(), () -> {
                    sources.insert(source);
                    return null;
                });
                return sources.findById(accountId, id).orElseThrow();
            });
        }
        catch (RuntimeException e) {
            releaseReplication(id, connection);
            throw e;
        }
        if (!created.id().equals(id)) {
            // a concurrent retry with the same key created the source first: this attempt's slot is not needed
            releaseReplication(id, connection);
        }
        return created;
    }

    public Source get(AccountId accountId, String idOrName)
    {
        SourceDao sources = store.onDemand(SourceDao.class);
        return Lookup.find(ResourceKind.SOURCE, idOrName, id -> sources.findById(accountId, new SourceId(id)), name -> sources.findByName(accountId, name));
    }

    /** The account's source with this id; not found as {@link #get(AccountId, String)} is. */
    public Source get(AccountId accountId, SourceId id)
    {
        return store.onDemand(SourceDao.class).findById(accountId, id)
                .orElseThrow(() -> SluiceException.notFound(ResourceKind.SOURCE.displayName(), id.value()));
    }

    public Page<Source> list(AccountId accountId, String after, int limit)
    {
        return Page.of(store.onDemand(SourceDao.class).list(accountId, after, limit + 1), limit, source -> source.id().value());
    }

    /** Changes name or connection settings; changed connection settings are checked before they are saved. */
    public Source update(AccountId accountId, String idOrName, SourceChanges changes)
    {
        changes.name().ifPresent(name -> Names.check(ResourceKind.SOURCE, name));
        changes.host().ifPresent(SourceService::checkHost);
        Source current = get(accountId, idOrName);
        Source updated = new Source(accountId, current.id(), changes.name().orElse(current.name()), changes.host().orElse(current.host()),
                changes.port().orElse(current.port()), current.database(), changes.username().orElse(current.username()),
                changes.password().map(secrets::encrypt).orElse(current.passwordEncrypted()), changes.sslMode().orElse(current.sslMode()),
                current.publicationName(), current.slotName(), current.managePublication(), current.manageSlot(), current.createdAt(), current.updatedAt());
        if (changes.changesConnection()) {
            CheckResult result = checker.check(connection(updated));
            if (!result.ok()) {
                throw new SourceCheckFailedException(result);
            }
        }
        return store.inTransaction(handle -> {
            SourceDao sources = handle.attach(SourceDao.class);
            int rows = Names.unique(ResourceKind.SOURCE, updated.name(), () -> sources.update(updated));
            if (rows == 0) {
                throw SluiceException.notFound(ResourceKind.SOURCE.displayName(), idOrName);
            }
            return sources.findById(accountId, current.id()).orElseThrow();
        });
    }

    public void delete(AccountId accountId, String idOrName)
    {
        Source deleted = store.inTransaction(handle -> {
            SourceDao sources = handle.attach(SourceDao.class);
            Source source = Lookup.find(ResourceKind.SOURCE, idOrName, id -> sources.findById(accountId, new SourceId(id)), name -> sources.findByName(accountId, name));
            List<String> users = handle.attach(ConsumerDao.class).namesReading(accountId, source.id());
            if (!users.isEmpty()) {
                throw new SluiceException(ErrorCode.IN_USE, "source '" + source.name() + "' is used by consumers " + String.join(", ", users)
                        + "; delete them first");
            }
            // removing the lease unit in the same transaction stops the worker that streams the source
            handle.attach(LeaseDao.class).delete(Lease.extractUnit(source.id()));
            sources.delete(accountId, source.id());
            return source;
        });
        releaseReplication(deleted.id(), connection(deleted));
    }

    /**
     * Makes the publication publish the consumer's tables (or says which are missing when the user manages
     * it) and returns the source's current WAL position: the consumer receives what commits after it.
     */
    public Lsn publish(AccountId accountId, Source source, List<TableSelection> tables)
    {
        SourceConnection connection = connection(source);
        try (SourceAdmin admin = SourceAdmin.connect(connection, connectTimeout)) {
            List<SourceAdmin.Table> missing = admin.ensurePublished(tables.stream().map(table -> new SourceAdmin.Table(table.schema(), table.table())).toList());
            if (!missing.isEmpty()) {
                throw SluiceException.invalid("tables", "publication " + source.publicationName() + " does not publish " + missing
                        + "; run ALTER PUBLICATION " + source.publicationName() + " ADD TABLE " + missing.stream().map(SourceAdmin.Table::quoted).collect(Collectors.joining(", "))
                        + ", or let Sluice manage the publication");
            }
            if (!admin.ensureSlot()) {
                throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED, "replication slot " + source.slotName() + " does not exist; create it or let Sluice manage it");
            }
            return admin.currentWalLsn();
        }
        catch (SQLException e) {
            throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED, "cannot prepare source '" + source.name() + "' for the consumer: " + e.getMessage(), e);
        }
    }

    /** A new source gets its publication and slot at once, so nothing committed after its creation can be missed. */
    private void prepareReplication(SourceConnection connection)
    {
        try (SourceAdmin admin = SourceAdmin.connect(connection, connectTimeout)) {
            admin.ensurePublished(List.of());
            admin.ensureSlot();
        }
        catch (SQLException e) {
            throw new SluiceException(ErrorCode.SOURCE_CHECK_FAILED, "cannot create the publication or slot: " + e.getMessage(), e);
        }
    }

    /**
     * Drops the slot and publication Sluice manages, so the source stops keeping WAL for it; a source that cannot
     * be reached is logged, not refused.
     */
    private void releaseReplication(SourceId sourceId, SourceConnection connection)
    {
        if (!connection.manageSlot() && !connection.managePublication()) {
            return;
        }
        try (MDC.MDCCloseable named = MDC.putCloseable("source", sourceId.value()); SourceAdmin admin = SourceAdmin.connect(connection, connectTimeout)) {
            if (connection.manageSlot()) {
                admin.dropSlot();
            }
            if (connection.managePublication()) {
                admin.dropPublication();
            }
        }
        catch (SQLException | RuntimeException e) {
            LOG.warn("could not drop replication slot {} or publication {} at {}: {}; drop them by hand to free the WAL the slot keeps",
                    connection.slotName(), connection.publicationName(), connection, e.getMessage());
        }
    }

    /** Replication progress as the worker streaming the source last recorded it. */
    public Status status(AccountId accountId, String idOrName)
    {
        Source source = get(accountId, idOrName);
        Optional<SourceState> state = store.onDemand(SourceStateDao.class).find(source.id());
        Optional<String> worker = store.onDemand(LeaseDao.class).holder(Lease.extractUnit(source.id())).map(Lease::owner);
        String current = state.map(SourceState::state).orElse("idle");
        if (worker.isEmpty() && current.equals("streaming")) {
            current = "idle";
        }
        return new Status(current, worker, state.map(SourceState::checkpoint).filter(Lsn::isValid),
                state.flatMap(SourceState::slotLagBytes), state.map(SourceState::messagesStored).orElse(0L),
                state.flatMap(SourceState::lastError), state.flatMap(SourceState::lastErrorAt));
    }

    /**
     * Recovers a source whose slot was lost: re-creates the slot (when Sluice manages it), moves the checkpoint to
     * where the new slot starts and starts a backfill of every consumer of the source, in one metadata transaction,
     * so the consumers again hold the current state of every row. Refused while the slot is usable.
     */
    public SlotReset resetSlot(AccountId accountId, String idOrName)
    {
        Source source = get(accountId, idOrName);
        SourceConnection connection = connection(source);
        String state = store.onDemand(SourceStateDao.class).find(source.id()).map(SourceState::state).orElse("idle");
        Lsn position;
        try (MDC.MDCCloseable named = MDC.putCloseable("source", source.id().value()); SourceAdmin admin = SourceAdmin.connect(connection, connectTimeout)) {
            SourceAdmin.SlotCondition slot = admin.slotCondition();
            if (slot == SourceAdmin.SlotCondition.USABLE && !state.equals("slot_lost")) {
                throw new SluiceException(ErrorCode.INVALID_STATE, "replication slot " + source.slotName() + " of source '" + source.name()
                        + "' is usable; there is nothing to reset");
            }
            if (slot != SourceAdmin.SlotCondition.USABLE && !source.manageSlot()) {
                throw new SluiceException(ErrorCode.INVALID_STATE, "Sluice does not manage replication slot " + source.slotName()
                        + (slot == SourceAdmin.SlotCondition.LOST ? ", which was invalidated: drop it (SELECT pg_drop_replication_slot('" + source.slotName() + "')) and create it again" : ": create it")
                        + " (SELECT pg_create_logical_replication_slot('" + source.slotName() + "', 'pgoutput')), then reset again");
            }
            if (slot == SourceAdmin.SlotCondition.LOST) {
                admin.dropSlot();
            }
            admin.ensureSlot();
            position = admin.slotPosition();
            LOG.warn("replication slot {} of source {} re-created at {}; backfilling its consumers", source.slotName(), source.id(), position);
        }
        catch (SQLException e) {
            throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, "cannot re-create replication slot " + source.slotName() + " of source '" + source.name()
                    + "': " + e.getMessage(), e);
        }
        List<Backfill> started = store.inTransaction(handle -> {
            handle.attach(SourceStateDao.class).ensure(source.id());
            handle.attach(SourceStateDao.class).slotReset(source.id(), position);
            BackfillDao backfills = handle.attach(BackfillDao.class);
            List<Backfill> created = new ArrayList<>();
            for (Consumer consumer : handle.attach(DataPlaneDao.class).consumersOfSourceAcrossAccounts(source.id())) {
                if (!consumer.accountId().equals(accountId)) {
                    continue;
                }
                created.add(backfills.start(accountId, consumer.id(), new StartPosition(StartPosition.At.BEGINNING, null, null), Optional.empty(),
                        consumer.tables()));
            }
            return created;
        });
        return new SlotReset(source.slotName(), position, started);
    }

    /** A re-created slot and the backfills that restore its consumers. */
    public record SlotReset(String slotName, Lsn position, List<Backfill> backfills) {}

    /** A source's replication status. */
    public record Status(String state, Optional<String> worker, Optional<Lsn> checkpoint, Optional<Long> slotLagBytes, long messagesStored,
            Optional<String> lastError, Optional<Instant> lastErrorAt) {}

    public CheckResult check(AccountId accountId, String idOrName)
    {
        return checker.check(connection(get(accountId, idOrName)));
    }

    public List<SourceTable> tables(AccountId accountId, String idOrName)
    {
        return tables(get(accountId, idOrName));
    }

    /** The tables the source's publication could publish, with their columns and keys, read from the source. */
    public List<SourceTable> tables(Source source)
    {
        SourceConnection connection = connection(source);
        try (Connection jdbc = checker.connect(connection)) {
            return SourceIntrospection.tables(jdbc, source.publicationName());
        }
        catch (SQLException e) {
            throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, "cannot read the tables of source '" + source.name() + "': " + e.getMessage()
                    + "; run POST /v1/sources/" + source.id() + "/check for details", e);
        }
    }

    public SourceConnection connection(Source source)
    {
        return new SourceConnection(source.host(), source.port(), source.database(), source.username(), secrets.decrypt(source.passwordEncrypted()),
                source.sslMode(), source.publicationName(), source.slotName(), source.managePublication(), source.manageSlot());
    }

    private static void checkHost(String host)
    {
        if (host.isBlank() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '?' || c == '#' || c == '@')) {
            throw SluiceException.invalid("host", "must be a host name or an IP address");
        }
    }

    /** What a user gives to create a source. */
    public record NewSource(String name, String host, int port, String database, String username, String password, String sslMode,
            Optional<String> publicationName, Optional<String> slotName, boolean managePublication, boolean manageSlot)
    {
        public NewSource
        {
            requireNonNull(name, "name is null");
            requireNonNull(host, "host is null");
            requireNonNull(database, "database is null");
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
            sslMode = requireNonNull(sslMode, "sslMode is null").toLowerCase(Locale.ROOT);
            requireNonNull(publicationName, "publicationName is null");
            requireNonNull(slotName, "slotName is null");
        }
    }

    /** What a user may change on a source; absent fields keep their value. */
    public record SourceChanges(Optional<String> name, Optional<String> host, Optional<Integer> port, Optional<String> username,
            Optional<String> password, Optional<String> sslMode)
    {
        public boolean changesConnection()
        {
            return host.isPresent() || port.isPresent() || username.isPresent() || password.isPresent() || sslMode.isPresent();
        }
    }
}
