package dev.sluice.control.message;

import dev.sluice.api.MessagesApi;
import dev.sluice.api.model.AckRequest;
import dev.sluice.api.model.NackRequest;
import dev.sluice.api.model.ReceiveRequest;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import dev.sluice.stream.MessageJson;
import dev.sluice.stream.MessageStore;
import dev.sluice.stream.MessageTransforms;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** The pull message API; the {@code consume} scope is enough. */
public final class MessageResource
        implements MessagesApi
{
    private final DeliveryService delivery;

    public MessageResource(DeliveryService delivery)
    {
        this.delivery = requireNonNull(delivery, "delivery is null");
    }

    @Override
    public Response receiveMessages(String consumerId, ReceiveRequest request)
    {
        Caller.AccountToken caller = Callers.consume();
        ReceiveRequest effective = request == null ? new ReceiveRequest() : request;
        int batchSize = effective.getBatchSize() == null ? 10 : effective.getBatchSize();
        int waitSeconds = effective.getWaitSeconds() == null ? 0 : effective.getWaitSeconds();
        DeliveryService.Received received;
        try {
            received = delivery.receive(caller.accountId(), consumerId, batchSize, Duration.ofSeconds(waitSeconds));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.SOURCE_UNAVAILABLE, "the server is shutting down; retry");
        }
        String body = MessageJson.document(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (MessageTransforms.Transformed delivery : received.deliveries()) {
                MessageJson.message(json, received.consumer(), delivery.delivery().message(), delivery.delivery().ackId(), delivery.output());
            }
            json.writeEndArray();
            json.writeEndObject();
        });
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @Override
    public Response ackMessages(String consumerId, AckRequest request)
    {
        Caller.AccountToken caller = Callers.consume();
        return outcomes(delivery.ack(caller.accountId(), consumerId, request.getAckIds()));
    }

    @Override
    public Response nackMessages(String consumerId, NackRequest request)
    {
        Caller.AccountToken caller = Callers.consume();
        int delay = request.getDelaySeconds() == null ? 0 : request.getDelaySeconds();
        return outcomes(delivery.nack(caller.accountId(), consumerId, request.getAckIds(), Duration.ofSeconds(delay)));
    }

    private static Response outcomes(Map<String, MessageStore.Outcome> outcomes)
    {
        String body = MessageJson.document(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (Map.Entry<String, MessageStore.Outcome> outcome : outcomes.entrySet()) {
                json.writeStartObject();
                json.writeStringField("ack_id", outcome.getKey());
                json.writeStringField("status", outcome.getValue().name().toLowerCase(Locale.ROOT));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
