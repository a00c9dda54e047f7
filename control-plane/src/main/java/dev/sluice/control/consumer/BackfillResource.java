package dev.sluice.control.consumer;

import dev.sluice.api.BackfillsApi;
import dev.sluice.api.model.BackfillCreate;
import dev.sluice.api.model.BackfillList;
import dev.sluice.control.Dtos;
import dev.sluice.control.Lookup;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.store.Page;
import dev.sluice.store.backfill.Backfill;
import dev.sluice.store.consumer.TableSelection;
import jakarta.ws.rs.core.Response;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Backfills of a consumer: rewind, replay, and their progress. */
public final class BackfillResource
        implements BackfillsApi
{
    private final BackfillService backfills;

    public BackfillResource(BackfillService backfills)
    {
        this.backfills = requireNonNull(backfills, "backfills is null");
    }

    @Override
    public Response createBackfill(String consumerId, BackfillCreate request, String idempotencyKey)
    {
        Caller.AccountToken caller = Callers.manage();
        Backfill backfill = backfills.create(caller.accountId(), consumerId, Optional.ofNullable(idempotencyKey),
                Optional.ofNullable(request.getStart()).map(ConsumerResource::start),
                Optional.ofNullable(request.getFilter()).map(String::strip).filter(text -> !text.isEmpty()),
                Optional.ofNullable(request.getTables()).map(tables -> tables.stream()
                        .map(table -> new TableSelection(table.getSchema() == null ? "public" : table.getSchema(), table.getTable(), table.getGroupColumns()))
                        .toList()),
                request);
        return Response.status(Response.Status.CREATED).entity(toDto(backfill)).build();
    }

    @Override
    public Response listBackfills(String consumerId, Integer limit, String after)
    {
        Caller.AccountToken caller = Callers.read();
        Page<Backfill> page = backfills.list(caller.accountId(), consumerId, Lookup.after(after), Lookup.limit(limit));
        BackfillList body = new BackfillList(page.items().stream().map(BackfillResource::toDto).toList());
        body.setNextCursor(page.nextCursor().orElse(null));
        return Response.ok(body).build();
    }

    @Override
    public Response getBackfill(String consumerId, String backfillId)
    {
        Caller.AccountToken caller = Callers.read();
        return Response.ok(toDto(backfills.get(caller.accountId(), consumerId, backfillId))).build();
    }

    @Override
    public Response pauseBackfill(String consumerId, String backfillId)
    {
        Caller.AccountToken caller = Callers.manage();
        return Response.ok(toDto(backfills.pause(caller.accountId(), consumerId, backfillId))).build();
    }

    @Override
    public Response resumeBackfill(String consumerId, String backfillId)
    {
        Caller.AccountToken caller = Callers.manage();
        return Response.ok(toDto(backfills.resume(caller.accountId(), consumerId, backfillId))).build();
    }

    @Override
    public Response cancelBackfill(String consumerId, String backfillId)
    {
        Caller.AccountToken caller = Callers.manage();
        return Response.ok(toDto(backfills.cancel(caller.accountId(), consumerId, backfillId))).build();
    }

    public static dev.sluice.api.model.Backfill toDto(Backfill backfill)
    {
        dev.sluice.api.model.Backfill dto = new dev.sluice.api.model.Backfill(backfill.id().value(), backfill.consumerId().value(),
                dev.sluice.api.model.Backfill.StateEnum.fromValue(backfill.state().value()), backfill.rowsRead(),
                Dtos.time(backfill.createdAt()), Dtos.time(backfill.updatedAt()));
        dto.setStart(backfill.start().map(ConsumerResource::toDto).orElse(null));
        dto.setFilter(backfill.filter().orElse(null));
        dto.setTables(ConsumerResource.toDto(backfill.tables()));
        dto.setRowsEstimated(backfill.rowsEstimated().orElse(null));
        dto.setCursor(backfill.cursor().orElse(null));
        dto.setError(backfill.error().orElse(null));
        dto.setCompletedAt(Dtos.time(backfill.completedAt()));
        return dto;
    }
}
