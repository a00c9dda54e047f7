package dev.sluice.control.source;

import dev.sluice.api.SourcesApi;
import dev.sluice.api.model.SlotReset;
import dev.sluice.api.model.SourceCheck;
import dev.sluice.api.model.SourceColumn;
import dev.sluice.api.model.SourceCreate;
import dev.sluice.api.model.SourceList;
import dev.sluice.api.model.SourceStatus;
import dev.sluice.api.model.SourceTableList;
import dev.sluice.api.model.SourceUpdate;
import dev.sluice.api.model.SslMode;
import dev.sluice.control.Dtos;
import dev.sluice.control.Lookup;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.control.consumer.BackfillResource;
import dev.sluice.store.Page;
import dev.sluice.store.source.Source;
import jakarta.ws.rs.core.Response;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Sources: the Postgres databases an account streams from. */
public final class SourceResource
        implements SourcesApi
{
    private final SourceService sources;

    public SourceResource(SourceService sources)
    {
        this.sources = requireNonNull(sources, "sources is null");
    }

    @Override
    public Response createSource(SourceCreate request, String idempotencyKey)
    {
        Caller.AccountToken caller = Callers.manage();
        SourceService.NewSource input = new SourceService.NewSource(request.getName(), request.getHost().trim(), request.getPort(), request.getDatabase(),
                request.getUsername(), request.getPassword(), request.getSslMode() == null ? "prefer" : request.getSslMode().toString(), Optional.ofNullable(request.getPublicationName()),
                Optional.ofNullable(request.getSlotName()), request.getManagePublication(), request.getManageSlot());
        Source source = sources.create(caller.accountId(), Optional.ofNullable(idempotencyKey), input, request);
        return Response.status(Response.Status.CREATED).entity(toDto(source)).build();
    }

    @Override
    public Response listSources(Integer limit, String after)
    {
        Caller.AccountToken caller = Callers.read();
        Page<Source> page = sources.list(caller.accountId(), Lookup.after(after), Lookup.limit(limit));
        SourceList body = new SourceList(page.items().stream().map(SourceResource::toDto).toList());
        body.setNextCursor(page.nextCursor().orElse(null));
        return Response.ok(body).build();
    }

    @Override
    public Response getSource(String sourceId)
    {
        Caller.AccountToken caller = Callers.read();
        return Response.ok(toDto(sources.get(caller.accountId(), sourceId))).build();
    }

    @Override
    public Response updateSource(String sourceId, SourceUpdate request)
    {
        Caller.AccountToken caller = Callers.manage();
        SourceService.SourceChanges changes = new SourceService.SourceChanges(
                Optional.ofNullable(request.getName()),
                Optional.ofNullable(request.getHost()).map(String::trim),
                Optional.ofNullable(request.getPort()),
                Optional.ofNullable(request.getUsername()),
                Optional.ofNullable(request.getPassword()),
                Optional.ofNullable(request.getSslMode()).map(SslMode::toString));
        return Response.ok(toDto(sources.update(caller.accountId(), sourceId, changes))).build();
    }

    @Override
    public Response deleteSource(String sourceId)
    {
        Caller.AccountToken caller = Callers.manage();
        sources.delete(caller.accountId(), sourceId);
        return Response.noContent().build();
    }

    @Override
    public Response checkSource(String sourceId)
    {
        // a check connects to the user's database: an action, not a read
        Caller.AccountToken caller = Callers.manage();
        CheckResult result = sources.check(caller.accountId(), sourceId);
        SourceCheck body = new SourceCheck(result.ok(), Dtos.time(result.checkedAt()),
                result.checks().stream().map(SourceCheckFailedException::toDto).toList());
        body.setServerVersion(result.serverVersion().orElse(null));
        return Response.ok(body).build();
    }

    @Override
    public Response listSourceTables(String sourceId)
    {
        Caller.AccountToken caller = Callers.read();
        SourceTableList body = new SourceTableList(sources.tables(caller.accountId(), sourceId).stream().map(SourceResource::toDto).toList());
        return Response.ok(body).build();
    }

    @Override
    public Response resetSourceSlot(String sourceId)
    {
        Caller.AccountToken caller = Callers.manage();
        SourceService.SlotReset reset = sources.resetSlot(caller.accountId(), sourceId);
        SlotReset body = new SlotReset(reset.slotName(), reset.position().toString(),
                reset.backfills().stream().map(BackfillResource::toDto).toList());
        return Response.ok(body).build();
    }

    @Override
    public Response getSourceStatus(String sourceId)
    {
        Caller.AccountToken caller = Callers.read();
        SourceService.Status status = sources.status(caller.accountId(), sourceId);
        SourceStatus body = new SourceStatus(SourceStatus.StateEnum.fromValue(status.state()));
        body.setWorker(status.worker().orElse(null));
        status.checkpoint().ifPresent(lsn -> body.setLastConfirmedLsn(lsn.toString()));
        body.setSlotLagBytes(status.slotLagBytes().orElse(null));
        body.setMessagesStored(status.messagesStored());
        body.setLastError(status.lastError().orElse(null));
        body.setLastErrorAt(Dtos.time(status.lastErrorAt()));
        return Response.ok(body).build();
    }

    static dev.sluice.api.model.Source toDto(Source source)
    {
        return new dev.sluice.api.model.Source(source.id().value(), source.name(), source.host(), source.port(), source.database(), source.username(),
                SslMode.fromValue(source.sslMode()), source.publicationName(), source.slotName(), source.managePublication(), source.manageSlot(),
                Dtos.time(source.createdAt()), Dtos.time(source.updatedAt()));
    }

    private static dev.sluice.api.model.SourceTable toDto(SourceTable table)
    {
        return new dev.sluice.api.model.SourceTable(table.schema(), table.name(), table.primaryKey(),
                dev.sluice.api.model.SourceTable.ReplicaIdentityEnum.fromValue(table.replicaIdentity()), table.partitioned(), table.inPublication(),
                table.columns().stream().map(column -> {
                    SourceColumn dto = new SourceColumn(column.name(), column.type(), column.nullable());
                    dto.setGenerated(column.generated());
                    dto.setStreamed(column.streamed());
                    return dto;
                }).toList());
    }
}
