package dev.sluice.data.extract.replication;

import dev.sluice.core.Lsn;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How to start a {@code pgoutput} stream.
 *
 * @param startPosition where to start; the server never sends a transaction that committed
 * before the slot's confirmed position, so {@link Lsn#INVALID} means "where the slot is"
 * @param protocolVersion 1, or 2 (Postgres 14 and newer) to allow streaming of in-progress
 * transactions
 * @param streamInProgressTransactions ask the server to stream large transactions before they
 * commit (protocol 2 only); the consumer must then handle stream start/stop/commit/abort
 * @param statusInterval how often to report the confirmed position to the server; also how soon a connection the server
 * closed is noticed (a status sent on a closed connection fails: the second after the server went away)
 */
public record StreamOptions(
        String slotName,
        List<String> publicationNames,
        Lsn startPosition,
        int protocolVersion,
        boolean streamInProgressTransactions,
        Duration statusInterval)
{
    public StreamOptions
    {
        Identifiers.checkSimpleName("slot name", slotName);
        publicationNames = List.copyOf(requireNonNull(publicationNames, "publicationNames is null"));
        if (publicationNames.isEmpty()) {
            throw new IllegalArgumentException("at least one publication is needed");
        }
        publicationNames.forEach(name -> Identifiers.checkSimpleName("publication name", name));
        requireNonNull(startPosition, "startPosition is null");
        if (protocolVersion < 1 || protocolVersion > 2) {
            throw new IllegalArgumentException("protocol version must be 1 or 2, not " + protocolVersion);
        }
        if (streamInProgressTransactions && protocolVersion < 2) {
            throw new IllegalArgumentException("streaming in-progress transactions needs protocol version 2");
        }
        requireNonNull(statusInterval, "statusInterval is null");
        if (statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("status interval must be positive");
        }
    }

    /**
     * Protocol 1, no streaming of in-progress transactions, status every half second: a source that crashed or restarted
     * (its server closed the connection) is noticed within a second, not when the next batch is due.
     */
    public static StreamOptions of(String slotName, String publicationName, Lsn startPosition)
    {
        return new StreamOptions(slotName, List.of(publicationName), startPosition, 1, false, Duration.ofMillis(500));
    }
}
