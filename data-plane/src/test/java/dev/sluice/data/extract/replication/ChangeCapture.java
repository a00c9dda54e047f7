package dev.sluice.data.extract.replication;

import dev.sluice.data.extract.pgoutput.PgOutputMessage;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Begin;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Commit;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Delete;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Insert;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Relation;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.TypeInfo;
import dev.sluice.data.extract.pgoutput.PgOutputMessage.Update;
import dev.sluice.data.extract.pgoutput.RelationCache;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static java.util.Objects.requireNonNull;

/**
 * Reads a replication stream the way an extractor does: messages in order, each change paired
 * with the relation in force when it arrived.
 */
final class ChangeCapture
{
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final ReplicationStream stream;
    private final Duration timeout;
    private final RelationCache relations = new RelationCache();

    ChangeCapture(ReplicationStream stream, Duration timeout)
    {
        this.stream = requireNonNull(stream, "stream is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** A message with the relation its change refers to (for inserts, updates and deletes). */
    record Received(PgOutputMessage message, Optional<Relation> relation) {}

    /** One committed transaction, Begin to Commit. */
    record Transaction(List<Received> messages)
    {
        Begin begin()
        {
            return (Begin) messages.get(0).message();
        }

        Commit commit()
        {
            return (Commit) messages.get(messages.size() - 1).message();
        }

        /** The messages between Begin and Commit, relations and types left out. */
        List<Received> changes()
        {
            return messages.subList(1, messages.size() - 1).stream()
                    .filter(received -> !(received.message() instanceof Relation || received.message() instanceof TypeInfo))
                    .toList();
        }

        List<PgOutputMessage> changeMessages()
        {
            return changes().stream().map(Received::message).toList();
        }
    }

    ReplicationStream stream()
    {
        return stream;
    }

    RelationCache relations()
    {
        return relations;
    }

    /** The next message, waiting up to the timeout. */
    Received next()
            throws SQLException
    {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<PgOutputMessage> message = stream.readPending();
            if (message.isPresent()) {
                relations.accept(message.get());
                return new Received(message.get(), relationOf(message.get()));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no replication message within " + timeout);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * The next transaction that carries more than Begin and Commit (Postgres 14 sends empty
     * transactions for DDL; 15 and newer skip them). Messages outside transactions are skipped.
     */
    Transaction nextTransaction()
            throws SQLException
    {
        while (true) {
            Received first = next();
            if (!(first.message() instanceof Begin)) {
                continue;
            }
            List<Received> messages = new ArrayList<>();
            messages.add(first);
            Received received;
            do {
                received = next();
                messages.add(received);
            }
            while (!(received.message() instanceof Commit));
            if (messages.size() > 2) {
                return new Transaction(List.copyOf(messages));
            }
        }
    }

    private Optional<Relation> relationOf(PgOutputMessage message)
    {
        if (message instanceof Insert insert) {
            return Optional.of(relations.require(insert.relationId()));
        }
        if (message instanceof Update update) {
            return Optional.of(relations.require(update.relationId()));
        }
        if (message instanceof Delete delete) {
            return Optional.of(relations.require(delete.relationId()));
        }
        return Optional.empty();
    }
}
