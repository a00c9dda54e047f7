package dev.sluice.sdk;

import dev.sluice.sdk.api.MessagesApi;
import dev.sluice.sdk.invoker.ApiException;
import dev.sluice.sdk.model.AckRequest;
import dev.sluice.sdk.model.AckResult;
import dev.sluice.sdk.model.Message;
import dev.sluice.sdk.model.NackRequest;
import dev.sluice.sdk.model.ReceiveRequest;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** The three calls a {@link ConsumerLoop} makes on one pull consumer; tests substitute a fake. */
interface PullApi
{
    /** Up to {@code batchSize} messages, waiting up to {@code waitSeconds} when none is visible. */
    List<Message> receive(int batchSize, int waitSeconds)
            throws ApiException;

    List<AckResult> ack(List<String> ackIds)
            throws ApiException;

    List<AckResult> nack(List<String> ackIds, int delaySeconds)
            throws ApiException;

    /** The consumer's id or name, for messages. */
    String consumer();

    static PullApi of(MessagesApi messages, String consumer)
    {
        requireNonNull(messages, "messages is null");
        requireNonNull(consumer, "consumer is null");
        return new PullApi()
        {
            @Override
            public List<Message> receive(int batchSize, int waitSeconds)
                    throws ApiException
            {
                List<Message> received = messages.receiveMessages(consumer, new ReceiveRequest().batchSize(batchSize).waitSeconds(waitSeconds)).getData();
                return received == null ? List.of() : received;
            }

            @Override
            public List<AckResult> ack(List<String> ackIds)
                    throws ApiException
            {
                return messages.ackMessages(consumer, new AckRequest().ackIds(ackIds)).getData();
            }

            @Override
            public List<AckResult> nack(List<String> ackIds, int delaySeconds)
                    throws ApiException
            {
                return messages.nackMessages(consumer, new NackRequest().ackIds(ackIds).delaySeconds(delaySeconds)).getData();
            }

            @Override
            public String consumer()
            {
                return consumer;
            }
        };
    }
}
