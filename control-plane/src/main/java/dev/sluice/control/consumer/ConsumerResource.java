package dev.sluice.control.consumer;

import dev.sluice.api.ConsumersApi;
import dev.sluice.api.model.Action;
import dev.sluice.api.model.ConsumerCreate;
import dev.sluice.api.model.ConsumerKind;
import dev.sluice.api.model.ConsumerList;
import dev.sluice.api.model.ConsumerState;
import dev.sluice.api.model.ConsumerStatus;
import dev.sluice.api.model.ConsumerUpdate;
import dev.sluice.api.model.FilterTransitions;
import dev.sluice.api.model.ValidateConsumerRequest;
import dev.sluice.control.Dtos;
import dev.sluice.control.Lookup;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.core.filter.Filter;
import dev.sluice.store.Page;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.StartPosition;
import dev.sluice.store.consumer.TableSelection;
import dev.sluice.stream.MessageStore;
import jakarta.ws.rs.core.Response;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Consumers: what each receives from its source, and how. */
public final class ConsumerResource
        implements ConsumersApi
{
    private final ConsumerService consumers;

    public ConsumerResource(ConsumerService consumers)
    {
        this.consumers = requireNonNull(consumers, "consumers is null");
    }

    @Override
    public Response createConsumer(ConsumerCreate request, String idempotencyKey)
    {
        Caller.AccountToken caller = Callers.manage();
        ConsumerInput input = new ConsumerInput(
                Optional.of(request.getName()),
                Optional.of(request.getSourceId()),
                Optional.of(request.getKind().toString()),
                Optional.of(tables(request.getTables())),
                Optional.ofNullable(request.getActions()).map(ConsumerResource::actions),
                Optional.ofNullable(request.getFilter()).map(String::strip).filter(text -> !text.isEmpty()),
                Optional.ofNullable(request.getTransform()).filter(text -> !text.isBlank()),
                Optional.ofNullable(request.getEndpointId()),
                Optional.ofNullable(request.getPath()),
                Optional.ofNullable(request.getBatchSize()),
                Optional.ofNullable(request.getVisibilityTimeoutSeconds()),
                Optional.ofNullable(request.getMaxAckPending()),
                Optional.ofNullable(request.getMaxDeliver()),
                Optional.ofNullable(request.getStart()).map(ConsumerResource::start),
                Optional.ofNullable(request.getStatus()).map(status -> status == ConsumerState.ACTIVE),
                Optional.ofNullable(request.getFilterTransitions()).map(transitions -> Consumer.FilterTransitions.fromApiName(transitions.toString())));
        Consumer consumer = consumers.create(caller.accountId(), Optional.ofNullable(idempotencyKey), input, request);
        return Response.status(Response.Status.CREATED).entity(toDto(consumer)).build();
    }

    @Override
    public Response listConsumers(Integer limit, String after)
    {
        Caller.AccountToken caller = Callers.read();
        Page<Consumer> page = consumers.list(caller.accountId(), Lookup.after(after), Lookup.limit(limit));
        ConsumerList body = new ConsumerList(page.items().stream().map(ConsumerResource::toDto).toList());
        body.setNextCursor(page.nextCursor().orElse(null));
        return Response.ok(body).build();
    }

    @Override
    public Response getConsumer(String consumerId)
    {
        Caller.AccountToken caller = Callers.read();
        return Response.ok(toDto(consumers.get(caller.accountId(), consumerId))).build();
    }

    @Override
    public Response updateConsumer(String consumerId, ConsumerUpdate request)
    {
        Caller.AccountToken caller = Callers.manage();
        ConsumerInput changes = new ConsumerInput(
                Optional.ofNullable(request.getName()),
                Optional.empty(),
                Optional.empty(),
                Optional.ofNullable(request.getTables()).map(ConsumerResource::tables),
                Optional.ofNullable(request.getActions()).map(ConsumerResource::actions),
                Optional.ofNullable(request.getFilter()),
                Optional.ofNullable(request.getTransform()),
                Optional.ofNullable(request.getEndpointId()),
                Optional.ofNullable(request.getPath()),
                Optional.ofNullable(request.getBatchSize()),
                Optional.ofNullable(request.getVisibilityTimeoutSeconds()),
                Optional.ofNullable(request.getMaxAckPending()),
                Optional.ofNullable(request.getMaxDeliver()),
                Optional.empty(),
                Optional.ofNullable(request.getStatus()).map(status -> status == ConsumerState.ACTIVE),
                Optional.ofNullable(request.getFilterTransitions()).map(transitions -> Consumer.FilterTransitions.fromApiName(transitions.toString())));
        return Response.ok(toDto(consumers.update(caller.accountId(), consumerId, changes))).build();
    }

    @Override
    public Response deleteConsumer(String consumerId)
    {
        Caller.AccountToken caller = Callers.manage();
        consumers.delete(caller.accountId(), consumerId);
        return Response.noContent().build();
    }

    @Override
    public Response validateConsumer(ValidateConsumerRequest request)
    {
        // Checks text only: any token of the account may ask, as any may read consumers.
        Callers.read();
        consumers.validate(
                Optional.ofNullable(request.getFilter()).map(String::strip).filter(text -> !text.isEmpty()),
                Optional.ofNullable(request.getTransform()).filter(text -> !text.isBlank()));
        return Response.noContent().build();
    }

    @Override
    public Response getConsumerStatus(String consumerId)
    {
        Caller.AccountToken caller = Callers.read();
        MessageStore.Counts counts = consumers.status(caller.accountId(), consumerId);
        ConsumerStatus body = new ConsumerStatus(counts.backlog(), counts.inFlight(), counts.deadLetters());
        body.setDeliveredLastMinute(counts.deliveredLastMinute());
        consumers.deliveryHealth(caller.accountId(), consumerId).ifPresent(health -> {
            body.setLastDeliveredAt(health.lastDeliveredAt());
            body.setLastDeliveryError(health.lastDeliveryError());
            body.setLastDeliveryErrorAt(health.lastDeliveryErrorAt());
        });
        return Response.ok(body).build();
    }

    private static List<TableSelection> tables(List<dev.sluice.api.model.TableSelection> tables)
    {
        return tables.stream()
                .map(table -> new TableSelection(table.getSchema() == null ? "public" : table.getSchema(), table.getTable(), table.getGroupColumns()))
                .toList();
    }

    private static List<String> actions(Collection<Action> actions)
    {
        return actions.stream().map(Action::toString).distinct().toList();
    }

    static StartPosition start(dev.sluice.api.model.StartPosition start)
    {
        return new StartPosition(StartPosition.At.valueOf(start.getAt().toString().toUpperCase(Locale.ROOT)), start.getSortColumn(), start.getValue());
    }

    static dev.sluice.api.model.StartPosition toDto(StartPosition start)
    {
        dev.sluice.api.model.StartPosition dto = new dev.sluice.api.model.StartPosition(
                dev.sluice.api.model.StartPosition.AtEnum.fromValue(start.at().name().toLowerCase(Locale.ROOT)));
        dto.setSortColumn(start.sortColumn());
        dto.setValue(start.value());
        return dto;
    }

    static List<dev.sluice.api.model.TableSelection> toDto(List<TableSelection> tables)
    {
        return tables.stream().map(table -> {
            dev.sluice.api.model.TableSelection dto = new dev.sluice.api.model.TableSelection(table.table());
            dto.setSchema(table.schema());
            dto.setGroupColumns(table.groupColumns());
            return dto;
        }).toList();
    }

    static dev.sluice.api.model.Consumer toDto(Consumer consumer)
    {
        dev.sluice.api.model.Consumer dto = new dev.sluice.api.model.Consumer(consumer.id().value(), consumer.name(), consumer.sourceId().value(),
                ConsumerKind.fromValue(consumer.kind().name().toLowerCase(Locale.ROOT)), toDto(consumer.tables()),
                consumer.actions().stream().map(Action::fromValue).toList(), consumer.batchSize(), consumer.visibilityTimeoutSeconds(),
                consumer.maxAckPending(), consumer.maxDeliver(), toDto(consumer.start()),
                consumer.active() ? ConsumerState.ACTIVE : ConsumerState.PAUSED, Dtos.time(consumer.createdAt()), Dtos.time(consumer.updatedAt()));
        dto.setFilter(consumer.filter().orElse(null));
        dto.setTransform(consumer.transform().orElse(null));
        dto.setEndpointId(consumer.endpointId().orElse(null));
        dto.setPath(consumer.path().orElse(null));
        dto.setFilterTransitions(FilterTransitions.fromValue(consumer.filterTransitions().apiName()));
        dto.setFilterNotes(consumer.filter().map(Filter::parse).map(Filter::collationNotes).orElse(List.of()));
        return dto;
    }
}
