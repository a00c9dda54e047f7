package dev.sluice.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.transform.TransformException;
import dev.sluice.core.transform.Transforms;
import dev.sluice.store.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Applies a consumer's transform to the messages just received for it, pull or push alike. A message the
 * transform fails on (an error, a budget overrun) goes to the dead letters with the reason; the others go on.
 */
public final class MessageTransforms
{
    private static final Logger LOG = LoggerFactory.getLogger(MessageTransforms.class);

    private final Transforms transforms = new Transforms();
    private final MessageStore messages;

    public MessageTransforms(MessageStore messages)
    {
        this.messages = requireNonNull(messages, "messages is null");
    }

    /** A delivery with its transform's output (empty when the consumer has no transform). */
    public record Transformed(MessageStore.Delivery delivery, Optional<JsonNode> output) {}

    public List<Transformed> apply(Consumer consumer, List<MessageStore.Delivery> deliveries)
    {
        List<Transformed> out = new ArrayList<>(deliveries.size());
        if (consumer.transform().isEmpty()) {
            deliveries.forEach(delivery -> out.add(new Transformed(delivery, Optional.empty())));
            return out;
        }
        for (MessageStore.Delivery delivery : deliveries) {
            StoredMessage message = delivery.message();
            try {
                JsonNode output = transforms.forThisThread(consumer.transform().get()).apply(message.action(), MessageJson.read(message.recordJson()),
                        message.changesJson().map(MessageJson::read).orElse(null), MessageJson.metadata(consumer, message));
                out.add(new Transformed(delivery, Optional.of(output)));
            }
            catch (TransformException e) {
                messages.deadLetter(consumer.id(), message.seq(), e.getMessage());
            }
            catch (RuntimeException e) {
                // a fault of the transform's runtime on this message (not of the store: nothing above touches it) is the
                // message's failure like any other: it must not fail the receive of the messages beside it
                LOG.warn("the transform of consumer {} failed on message {}", consumer.id(), message.seq(), e);
                messages.deadLetter(consumer.id(), message.seq(), "the transform failed unexpectedly: " + e);
            }
        }
        return out;
    }
}
