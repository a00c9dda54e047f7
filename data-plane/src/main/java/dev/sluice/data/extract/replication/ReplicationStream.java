package dev.sluice.data.extract.replication;

import dev.sluice.core.Lsn;
import dev.sluice.data.extract.pgoutput.PgOutputDecoder;
import dev.sluice.data.extract.pgoutput.PgOutputMessage;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A started {@code pgoutput} stream: decoded messages in WAL order, and the position the
 * consumer confirms back to the server.
 * <p>
 * <b>Safety rule:</b> call {@link #confirm(Lsn)} with a transaction's
 * {@link PgOutputMessage.Commit#endLsn()} only after every message of that transaction (and of
 * all before it) is durable in the metadata store. The server then discards the WAL before
 * that position and will not send those transactions again, even after a crash.
 * <p>
 * The driver reports the confirmed position every status interval; it never advances it by
 * itself (automatic flushing is off). An idle consumer that has stored everything it received
 * confirms {@link #lastReceivedLsn()} (the server's keepalive position) itself: transactions that
 * commit later are still sent, so this only frees WAL that held nothing for this publication.
 * <p>
 * Not thread-safe: one extractor reads and confirms.
 */
public final class ReplicationStream
        implements AutoCloseable
{
    private final PGReplicationStream stream;
    private final PgOutputDecoder decoder;

    ReplicationStream(PGReplicationStream stream, int protocolVersion)
    {
        this.stream = requireNonNull(stream, "stream is null");
        this.decoder = new PgOutputDecoder(protocolVersion);
    }

    /** The next message if one has arrived, without waiting. Also sends a status update when one is due. */
    public Optional<PgOutputMessage> readPending()
            throws SQLException
    {
        ByteBuffer buffer = stream.readPending();
        if (buffer == null) {
            return Optional.empty();
        }
        return Optional.of(decoder.decode(buffer));
    }

    /** Waits for the next message. */
    public PgOutputMessage read()
            throws SQLException
    {
        return decoder.decode(stream.read());
    }

    /** The WAL position of the last message received (or of the server's last keepalive, if later). */
    public Lsn lastReceivedLsn()
    {
        return toLsn(stream.getLastReceiveLSN());
    }

    /** The position last confirmed to the server. */
    public Lsn lastConfirmedLsn()
    {
        return toLsn(stream.getLastFlushedLSN());
    }

    /**
     * Confirms that everything before {@code lsn} is durable downstream; the server may discard
     * that WAL. The next status update carries it; {@link #sendStatus()} sends one now.
     * Only call this once the messages it covers are committed to the store (see the class
     * documentation); positions never move backwards.
     */
    public void confirm(Lsn lsn)
    {
        requireNonNull(lsn, "lsn is null");
        if (lsn.compareTo(lastConfirmedLsn()) <= 0) {
            return;
        }
        LogSequenceNumber position = LogSequenceNumber.valueOf(lsn.asLong());
        stream.setFlushedLSN(position);
        stream.setAppliedLSN(position);
    }

    /** Sends the received and confirmed positions to the server now, instead of at the next status interval. */
    public void sendStatus()
            throws SQLException
    {
        stream.forceUpdateStatus();
    }

    public boolean isClosed()
    {
        return stream.isClosed();
    }

    @Override
    public void close()
            throws SQLException
    {
        stream.close();
    }

    private static Lsn toLsn(LogSequenceNumber position)
    {
        return Lsn.valueOf(position.asLong());
    }
}
