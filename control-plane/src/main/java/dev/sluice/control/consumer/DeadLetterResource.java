package dev.sluice.control.consumer;

import dev.sluice.api.DeadLettersApi;
import dev.sluice.api.model.DeadLetterSelection;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.core.Response;

import static java.util.Objects.requireNonNull;

/**
 * Dead letters of a consumer. Scopes and consumer lookup are enforced already; the message
 * store behind them is not built yet, so each call answers 501 with a clear message.
 */
public final class DeadLetterResource
        implements DeadLettersApi
{
    private final ConsumerService consumers;

    public DeadLetterResource(ConsumerService consumers)
    {
        this.consumers = requireNonNull(consumers, "consumers is null");
    }

    @Override
    public Response listDeadLetters(String consumerId, Integer limit, String after)
    {
        Caller.AccountToken caller = Callers.read();
        throw notYet(caller, consumerId);
    }

    @Override
    public Response redriveDeadLetters(String consumerId, DeadLetterSelection selection)
    {
        Caller.AccountToken caller = Callers.manage();
        throw notYet(caller, consumerId);
    }

    @Override
    public Response discardDeadLetters(String consumerId, DeadLetterSelection selection)
    {
        Caller.AccountToken caller = Callers.manage();
        throw notYet(caller, consumerId);
    }

    private SluiceException notYet(Caller.AccountToken caller, String consumerId)
    {
        consumers.get(caller.accountId(), consumerId);
        return new SluiceException(ErrorCode.NOT_IMPLEMENTED, "message delivery is not available in this version of Sluice");
    }
}
