package dev.sluice.stream;

import dev.sluice.core.id.ConsumerId;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

import static java.util.Objects.requireNonNull;

/**
 * Wakes long-polling receivers when messages arrive. Extraction notifies channel {@code sluice_messages}
 * with the consumer id in the same transaction that stores the messages; this listener, on its own
 * connection, bumps that consumer's version and wakes its waiters. Works across processes: the data plane
 * and the control plane may run apart.
 */
public final class MessageSignals
        implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MessageSignals.class);
    private static final String CHANNEL = "sluice_messages";

    private final DataSource dataSource;
    private final ConcurrentHashMap<ConsumerId, AtomicLong> versions = new ConcurrentHashMap<>();
    private final Thread listener;
    private volatile boolean closed;

    public MessageSignals(DataSource dataSource)
    {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.listener = new Thread(this::listen, "sluice-message-signals");
        this.listener.setDaemon(true);
    }

    public void start()
    {
        listener.start();
    }

    /** The consumer's current version; a receiver reads it before looking for messages and waits for it to change. */
    public long version(ConsumerId consumerId)
    {
        return versions.computeIfAbsent(consumerId, id -> new AtomicLong()).get();
    }

    /** Waits until the consumer's version moves past {@code seen} or the time is up. */
    public void await(ConsumerId consumerId, long seen, Duration timeout)
            throws InterruptedException
    {
        AtomicLong version = versions.computeIfAbsent(consumerId, id -> new AtomicLong());
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (version) {
            while (version.get() == seen) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                version.wait(Math.max(1, remaining / 1_000_000));
            }
        }
    }

    /** Wakes the consumer's waiters (also used in-process, e.g. after a nack or redrive). */
    public void signal(ConsumerId consumerId)
    {
        AtomicLong version = versions.computeIfAbsent(consumerId, id -> new AtomicLong());
        synchronized (version) {
            version.incrementAndGet();
            version.notifyAll();
        }
    }

    private void listen()
    {
        while (!closed) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection postgres = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = postgres.getNotifications(1000);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            signal(new ConsumerId(notification.getParameter()));
                        }
                    }
                }
            }
            catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("message signal listener lost its connection, reconnecting: {}", e.getMessage());
                    // receivers still see new messages when their wait times out
                    versions.keySet().forEach(this::signal);
                    try {
                        Thread.sleep(1000);
                    }
                    catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close()
    {
        closed = true;
        listener.interrupt();
    }
}
