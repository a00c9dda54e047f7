package dev.sluice.control.consumer;

import dev.sluice.api.MessagesApi;
import dev.sluice.api.model.AckRequest;
import dev.sluice.api.model.NackRequest;
import dev.sluice.api.model.ReceiveRequest;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.core.Response;

import static java.util.Objects.requireNonNull;

/**
 * The pull message API. Scopes and consumer lookup are enforced already; the message
 * store behind them is not built yet, so each call answers 501 with a clear message.
 */
public final class MessageResource
        implements MessagesApi
{
    private final ConsumerService consumers;

    public MessageResource(ConsumerService consumers)
    {
        this.consumers = requireNonNull(consumers, "consumers is null");
    }

    @Override
    public Response receiveMessages(String consumerId, ReceiveRequest request)
    {
        Caller.AccountToken caller = Callers.consume();
        throw notYet(caller, consumerId);
    }

    @Override
    public Response ackMessages(String consumerId, AckRequest request)
    {
        Caller.AccountToken caller = Callers.consume();
        throw notYet(caller, consumerId);
    }

    @Override
    public Response nackMessages(String consumerId, NackRequest request)
    {
        Caller.AccountToken caller = Callers.consume();
        throw notYet(caller, consumerId);
    }

    private SluiceException notYet(Caller.AccountToken caller, String consumerId)
    {
        consumers.get(caller.accountId(), consumerId);
        return new SluiceException(ErrorCode.NOT_IMPLEMENTED, "message delivery is not available in this version of Sluice");
    }
}
