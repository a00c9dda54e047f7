package dev.sluice.control.message;

import dev.sluice.api.DeadLettersApi;
import dev.sluice.api.model.DeadLetterActionResult;
import dev.sluice.api.model.DeadLetterSelection;
import dev.sluice.control.Lookup;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.control.consumer.ConsumerService;
import dev.sluice.core.error.SluiceException;
import dev.sluice.store.Page;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.stream.MessageJson;
import dev.sluice.stream.MessageStore;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Dead letters: messages that were not acknowledged after the consumer's {@code max_deliver} deliveries.
 * A dead letter does not block its group; redrive puts it back in front of its group's later messages.
 */
public final class DeadLetterResource
        implements DeadLettersApi
{
    private final DeliveryService delivery;
    private final ConsumerService consumers;

    public DeadLetterResource(DeliveryService delivery, ConsumerService consumers)
    {
        this.delivery = requireNonNull(delivery, "delivery is null");
        this.consumers = requireNonNull(consumers, "consumers is null");
    }

    @Override
    public Response listDeadLetters(String consumerId, Integer limit, String after)
    {
        Caller.AccountToken caller = Callers.read();
        Consumer consumer = consumers.get(caller.accountId(), consumerId);
        Page<MessageStore.DeadLetter> page = delivery.deadLetters(caller.accountId(), consumer.id().value(), Lookup.after(after), Lookup.limit(limit));
        String body = MessageJson.document(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (MessageStore.DeadLetter letter : page.items()) {
                json.writeStartObject();
                json.writeStringField("reason", letter.reason());
                json.writeStringField("dead_lettered_at", MessageJson.time(letter.deadLetteredAt()));
                json.writeFieldName("message");
                MessageJson.message(json, consumer, letter.message(), null);
                json.writeEndObject();
            }
            json.writeEndArray();
            if (page.nextCursor().isPresent()) {
                json.writeStringField("next_cursor", page.nextCursor().get());
            }
            json.writeEndObject();
        });
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @Override
    public Response redriveDeadLetters(String consumerId, DeadLetterSelection selection)
    {
        Caller.AccountToken caller = Callers.manage();
        // the consumer is found before the body is checked: another account's consumer is a 404 whatever was sent
        Consumer consumer = consumers.get(caller.accountId(), consumerId);
        return Response.ok(new DeadLetterActionResult(delivery.redrive(caller.accountId(), consumer.id().value(), ids(selection)))).build();
    }

    @Override
    public Response discardDeadLetters(String consumerId, DeadLetterSelection selection)
    {
        Caller.AccountToken caller = Callers.manage();
        Consumer consumer = consumers.get(caller.accountId(), consumerId);
        return Response.ok(new DeadLetterActionResult(delivery.discard(caller.accountId(), consumer.id().value(), ids(selection)))).build();
    }

    private static Optional<List<String>> ids(DeadLetterSelection selection)
    {
        boolean all = Boolean.TRUE.equals(selection.getAll());
        boolean some = selection.getIds() != null && !selection.getIds().isEmpty();
        if (all == some) {
            throw SluiceException.invalid("ids", "give either ids or \"all\": true");
        }
        return all ? Optional.empty() : Optional.of(selection.getIds());
    }
}
