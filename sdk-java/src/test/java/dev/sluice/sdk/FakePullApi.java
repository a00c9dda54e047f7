package dev.sluice.sdk;

import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.AckResult;
import dev.sluice.sdk.model.Message;
import dev.sluice.sdk.model.MessageMetadata;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A pull consumer in memory: {@link #offer} makes messages visible, receive hands them out, and acks and
 * nacks are recorded. It counts the messages a receiver holds (received, neither acked nor nacked yet).
 */
final class FakePullApi
        implements PullApi
{
    /** A nack as the server got it. */
    record Nack(String ackId, int delaySeconds) {}

    private final Deque<Message> visible = new ArrayDeque<>();
    private final Deque<ApiException> receiveFailures = new ArrayDeque<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private final List<String> acks = new ArrayList<>();
    private final List<Integer> ackRequestSizes = new ArrayList<>();
    private final Deque<ApiException> ackFailures = new ArrayDeque<>();
    private final List<Nack> nacks = new ArrayList<>();
    private final Map<String, Message> held = new LinkedHashMap<>();
    private int mostHeld;
    private int receives;
    private CountDownLatch receiveGate;

    static Message message(String id, int deliverCount)
    {
        return new Message()
                .id(id)
                .ackId(id + "-" + deliverCount)
                .action(Message.ActionEnum.INSERT)
                .record(Map.of("id", id))
                .metadata(new MessageMetadata().deliverCount(deliverCount).tableSchema("public").tableName("orders"));
    }

    synchronized void offer(Message... messages)
    {
        visible.addAll(List.of(messages));
        notifyAll();
    }

    /** The next receive fails with {@code error}. */
    synchronized void failNextReceive(ApiException error)
    {
        receiveFailures.add(error);
    }

    /** The server forgets a message it handed out, as when its visibility timeout passes. */
    synchronized void forget(String ackId)
    {
        held.remove(ackId);
    }

    /** The next ack request fails with {@code error}. */
    synchronized void failNextAck(ApiException error)
    {
        ackFailures.add(error);
    }

    /** Receives block, deaf to interrupts, until the returned latch is counted down. */
    synchronized CountDownLatch holdReceives()
    {
        receiveGate = new CountDownLatch(1);
        return receiveGate;
    }

    @Override
    public List<Message> receive(int batchSize, int waitSeconds)
            throws ApiException
    {
        CountDownLatch gate;
        synchronized (this) {
            receives++;
            notifyAll();
            gate = receiveGate;
        }
        if (gate != null) {
            awaitUninterruptibly(gate);
        }
        synchronized (this) {
            batchSizes.add(batchSize);
            if (!receiveFailures.isEmpty()) {
                throw receiveFailures.remove();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            while (visible.isEmpty() && gate == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                catch (InterruptedException e) {
                    // as the generated client does
                    Thread.currentThread().interrupt();
                    throw new ApiException(e);
                }
            }
            List<Message> batch = new ArrayList<>();
            while (batch.size() < batchSize && !visible.isEmpty()) {
                Message message = visible.remove();
                held.put(message.getAckId(), message);
                batch.add(message);
            }
            mostHeld = Math.max(mostHeld, held.size());
            return batch;
        }
    }

    @Override
    public synchronized List<AckResult> ack(List<String> ackIds)
    {
        ackRequestSizes.add(ackIds.size());
        if (!ackFailures.isEmpty()) {
            throw ackFailures.remove();
        }
        acks.addAll(ackIds);
        return results(ackIds);
    }

    @Override
    public synchronized List<AckResult> nack(List<String> ackIds, int delaySeconds)
    {
        ackIds.forEach(ackId -> nacks.add(new Nack(ackId, delaySeconds)));
        return results(ackIds);
    }

    @Override
    public String consumer()
    {
        return "fake";
    }

    synchronized List<String> acks()
    {
        return List.copyOf(acks);
    }

    /** How many ack ids each ack request carried, failed ones included. */
    synchronized List<Integer> ackRequestSizes()
    {
        return List.copyOf(ackRequestSizes);
    }

    synchronized List<Nack> nacks()
    {
        return List.copyOf(nacks);
    }

    synchronized int held()
    {
        return held.size();
    }

    synchronized int mostHeld()
    {
        return mostHeld;
    }

    synchronized int receives()
    {
        return receives;
    }

    synchronized List<Integer> batchSizes()
    {
        return List.copyOf(batchSizes);
    }

    private List<AckResult> results(List<String> ackIds)
    {
        List<AckResult> results = new ArrayList<>();
        for (String ackId : ackIds) {
            boolean known = held.remove(ackId) != null;
            results.add(new AckResult().ackId(ackId).status(known ? AckResult.StatusEnum.OK : AckResult.StatusEnum.UNKNOWN));
        }
        return results;
    }

    private static void awaitUninterruptibly(CountDownLatch latch)
    {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            }
            catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
