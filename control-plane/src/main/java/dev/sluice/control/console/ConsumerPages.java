package dev.sluice.control.console;

import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.control.consumer.BackfillService;
import dev.sluice.control.consumer.ConsumerService;
import dev.sluice.control.endpoint.HttpEndpointService;
import dev.sluice.control.message.DeliveryService;
import dev.sluice.control.source.SourceService;
import dev.sluice.core.error.SluiceException;
import dev.sluice.store.Page;
import dev.sluice.store.backfill.Backfill;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.consumer.ConsumerDao;
import dev.sluice.stream.MessageStore;
import dev.sluice.stream.StoredMessage;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** A consumer as it runs: counts, throughput, a peek at its messages, dead letters, backfills, and the actions on them. */
@Path("console/consumers")
@Produces(MediaType.TEXT_HTML)
public final class ConsumerPages
{
    private static final Set<String> FIELDS = Set.of("name", "source", "kind", "tables", "actions", "filter", "transform", "endpoint", "path", "batchSize",
            "visibilityTimeoutSeconds", "maxAckPending", "maxDeliver", "start", "sortColumn");
    private static final int PEEK = 10;
    private static final int CHART_MINUTES = 30;

    private final ConsumerService consumers;
    private final BackfillService backfills;
    private final DeliveryService delivery;
    private final MessageStore messages;
    private final SourceService sources;
    private final HttpEndpointService endpoints;

    public ConsumerPages(ConsumerService consumers, BackfillService backfills, DeliveryService delivery, MessageStore messages, SourceService sources,
            HttpEndpointService endpoints)
    {
        this.sources = requireNonNull(sources, "sources is null");
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
        this.consumers = requireNonNull(consumers, "consumers is null");
        this.backfills = requireNonNull(backfills, "backfills is null");
        this.delivery = requireNonNull(delivery, "delivery is null");
        this.messages = requireNonNull(messages, "messages is null");
    }

    @GET
    @Path("new")
    public Response newForm()
    {
        return Pages.guard(() -> {
            Caller.AccountToken caller = Callers.manage();
            Map<String, Object> values = Map.of("kind", "pull", "actions", List.of("insert", "update", "delete"), "batchSize", "1",
                    "visibilityTimeoutSeconds", "30", "maxAckPending", "1000", "maxDeliver", "10", "start", "now");
            return form(caller, "New consumer", "/console/consumers", values, true, Optional.empty());
        });
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.submit(form, csrfHeader, caller -> caller, (caller, unused) -> {
                Consumer consumer = consumers.create(caller.accountId(), Optional.empty(), ConsumerForms.create(form), form);
                return Pages.redirect("/console/consumers/" + consumer.id());
            },
            (caller, e) -> form(caller, "New consumer", "/console/consumers", Pages.values(form), true, Optional.of(e)));
    }

    @GET
    @Path("{id}/edit")
    public Response editForm(@PathParam("id") String id)
    {
        return Pages.guard(() -> {
            Caller.AccountToken caller = Callers.manage();
            Consumer consumer = consumers.get(caller.accountId(), id);
            return form(caller, "Edit " + consumer.name(), "/console/consumers/" + consumer.id(), ConsumerForms.values(consumer), false, Optional.empty());
        });
    }

    @POST
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("id") String id, MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.submit(form, csrfHeader, caller -> consumers.get(caller.accountId(), id), (caller, consumer) -> {
                consumers.update(caller.accountId(), consumer.id().value(), ConsumerForms.update(form, consumer));
                return Pages.redirect("/console/consumers/" + consumer.id());
            },
            (consumer, e) -> {
                Map<String, Object> values = new LinkedHashMap<>(Pages.values(form));
                values.put("kind", ConsoleResource.kind(consumer));
                values.put("source", consumer.sourceId().value());
                return form(Callers.manage(), "Edit " + consumer.name(), "/console/consumers/" + consumer.id(), values, false, Optional.of(e));
            });
    }

    @GET
    @Path("{id}")
    public Response show(@PathParam("id") String id, @QueryParam("deadAfter") String deadAfter)
    {
        return Pages.guard(() -> {
            Caller.AccountToken caller = Callers.read();
            Consumer consumer = consumers.get(caller.accountId(), id);
            Map<String, Object> model = new LinkedHashMap<>(summary(consumer));
            model.put("live", live(caller, consumer, cursor(deadAfter)));
            return Pages.render("consumer", consumer.name(), model);
        });
    }

    /** The part of the consumer page that refreshes itself every few seconds. */
    @GET
    @Path("{id}/live")
    public Response liveFragment(@PathParam("id") String id, @QueryParam("deadAfter") String deadAfter)
    {
        return Pages.guard(() -> {
            Caller.AccountToken caller = Callers.read();
            Consumer consumer = consumers.get(caller.accountId(), id);
            Map<String, Object> model = new LinkedHashMap<>(summary(consumer));
            model.put("live", live(caller, consumer, cursor(deadAfter)));
            return Pages.render("consumer-live", consumer.name(), model);
        });
    }

    /** Messages stored, delivered and acknowledged per minute, for the chart. */
    @GET
    @Path("{id}/throughput")
    @Produces(MediaType.APPLICATION_JSON)
    public Response throughput(@PathParam("id") String id)
    {
        Caller.AccountToken caller = Callers.read();
        Consumer consumer = consumers.get(caller.accountId(), id);
        List<MessageStore.Minute> minutes = messages.throughput(consumer.id(), CHART_MINUTES);
        return Response.ok(Map.of(
                "minutes", minutes.stream().map(minute -> minute.minute().getEpochSecond()).toList(),
                "stored", minutes.stream().map(MessageStore.Minute::stored).toList(),
                "delivered", minutes.stream().map(MessageStore.Minute::delivered).toList(),
                "acked", minutes.stream().map(MessageStore.Minute::acked).toList())).build();
    }

    /** Deletes the consumer with its stream, as {@code DELETE /v1/consumers/{id}} does; the page asked first, naming what is lost. */
    @POST
    @Path("{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("id") String id, MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.guard(() -> {
            Pages.checkCsrf(form, csrfHeader);
            Caller.AccountToken caller = Callers.manage();
            consumers.delete(caller.accountId(), id);
            return Pages.redirect("/console");
        });
    }

    @POST
    @Path("{id}/pause")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response pause(@PathParam("id") String id, MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return setActive(id, form, csrfHeader, false);
    }

    @POST
    @Path("{id}/resume")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response resume(@PathParam("id") String id, MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return setActive(id, form, csrfHeader, true);
    }

    @POST
    @Path("{id}/dead-letters/{action: redrive|discard}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response deadLetters(@PathParam("id") String id, @PathParam("action") String action, MultivaluedMap<String, String> form,
            @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.guard(() -> {
            Pages.checkCsrf(form, csrfHeader);
            Caller.AccountToken caller = Callers.manage();
            Optional<List<String>> ids = Pages.field(form, "id").map(List::of);
            if (action.equals("redrive")) {
                delivery.redrive(caller.accountId(), id, ids);
            }
            else {
                delivery.discard(caller.accountId(), id, ids);
            }
            return Pages.redirect("/console/consumers/" + consumers.get(caller.accountId(), id).id());
        });
    }

    @POST
    @Path("{id}/backfills/{backfill}/{action: pause|resume|cancel}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response backfill(@PathParam("id") String id, @PathParam("backfill") String backfillId, @PathParam("action") String action,
            MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.guard(() -> {
            Pages.checkCsrf(form, csrfHeader);
            Caller.AccountToken caller = Callers.manage();
            switch (action) {
                case "pause" -> backfills.pause(caller.accountId(), id, backfillId);
                case "resume" -> backfills.resume(caller.accountId(), id, backfillId);
                default -> backfills.cancel(caller.accountId(), id, backfillId);
            }
            return Pages.redirect("/console/consumers/" + consumers.get(caller.accountId(), id).id());
        });
    }

    private Response setActive(String id, MultivaluedMap<String, String> form, String csrfHeader, boolean active)
    {
        return Pages.guard(() -> {
            Pages.checkCsrf(form, csrfHeader);
            Caller.AccountToken caller = Callers.manage();
            Consumer consumer = consumers.update(caller.accountId(), id, ConsumerForms.activeOnly(active));
            return Pages.redirect("/console/consumers/" + consumer.id());
        });
    }

    private Response form(Caller.AccountToken caller, String title, String action, Map<String, Object> values, boolean creating, Optional<SluiceException> refused)
    {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("action", action);
        model.put("values", values);
        model.put("creating", creating);
        model.put("allActions", ConsumerForms.ACTIONS);
        model.put("sources", sources.list(caller.accountId(), "", 200).items().stream()
                .map(source -> Map.of("id", source.id().value(), "name", source.name())).toList());
        model.put("endpoints", endpoints.list(caller.accountId(), "", 200).items().stream()
                .map(endpoint -> Map.of("id", endpoint.id(), "name", ConsoleResource.endpointLabel(endpoint))).toList());
        return Pages.form("consumer-form", title, model, refused, FIELDS);
    }

    private static Map<String, Object> summary(Consumer consumer)
    {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("id", consumer.id().value());
        model.put("name", consumer.name());
        model.put("kind", ConsoleResource.kind(consumer));
        model.put("status", consumer.active() ? "active" : "paused");
        model.put("sourceId", consumer.sourceId().value());
        model.put("tables", String.join(", ", consumer.tables().stream().map(table -> table.schema() + "." + table.table()).toList()));
        model.put("actions", String.join(", ", consumer.actions()));
        model.put("filter", consumer.filter().orElse(""));
        return model;
    }

    private Map<String, Object> live(Caller.AccountToken caller, Consumer consumer, String deadAfter)
    {
        MessageStore.Counts counts = consumers.status(caller.accountId(), consumer.id().value());
        Optional<ConsumerDao.DeliveryHealth> health = consumers.deliveryHealth(caller.accountId(), consumer.id().value());
        List<MessageStore.Minute> recent = messages.throughput(consumer.id(), CHART_MINUTES);
        ConsumerHealth verdict = ConsumerHealth.of(consumer, counts, health, recent);
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("health", verdict.level());
        live.put("healthSummary", verdict.summary());
        live.put("backlog", Long.toString(counts.backlog()));
        live.put("inFlight", Long.toString(counts.inFlight()));
        live.put("deadLetterCount", Long.toString(counts.deadLetters()));
        live.put("deliveredLastMinute", Long.toString(counts.deliveredLastMinute()));
        live.put("lastDeliveredAt", lastDelivered(health, recent));
        live.put("lastError", health.map(h -> Optional.ofNullable(h.lastDeliveryError()).orElse("")).orElse(""));
        live.put("lastErrorAt", health.map(h -> Pages.time(h.lastDeliveryErrorAt())).orElse(""));
        List<StoredMessage> peek = messages.peek(consumer.id(), PEEK);
        live.put("peek", peek.stream().map(ConsumerPages::message).toList());
        live.put("empty", emptyState(counts, peek));
        Page<MessageStore.DeadLetter> dead = delivery.deadLetters(caller.accountId(), consumer.id().value(), deadAfter, PEEK);
        live.put("deadLetters", dead.items().stream().map(letter -> {
            Map<String, Object> row = new LinkedHashMap<>(message(letter.message()));
            row.put("reason", letter.reason());
            row.put("at", Pages.time(letter.deadLetteredAt()));
            return row;
        }).toList());
        live.put("deadAfter", deadAfter);
        live.put("deadNext", dead.nextCursor().orElse(""));
        live.put("deadShown", dead.items().isEmpty() ? "" : "#" + dead.items().get(0).message().seq() + "–#" + dead.items().get(dead.items().size() - 1).message().seq());
        live.put("backfills", backfills.list(caller.accountId(), consumer.id().value(), "", 20).items().stream().map(ConsumerPages::backfill).toList());
        return live;
    }

    /**
     * When a delivery last succeeded: the push worker's record, or for a pull consumer (which has none) the
     * latest minute its receivers were handed messages.
     */
    private static String lastDelivered(Optional<ConsumerDao.DeliveryHealth> health, List<MessageStore.Minute> recent)
    {
        Optional<OffsetDateTime> pushed = health.map(ConsumerDao.DeliveryHealth::lastDeliveredAt);
        if (pushed.isPresent()) {
            return Pages.time(pushed.get());
        }
        for (int i = recent.size() - 1; i >= 0; i--) {
            if (recent.get(i).delivered() > 0) {
                return "in the minute of " + Pages.time(recent.get(i).minute());
            }
        }
        return "not in the last " + CHART_MINUTES + " minutes";
    }

    /** What to say when no message is listed, true to the counts: acknowledged, dead-lettered or in flight. */
    private static String emptyState(MessageStore.Counts counts, List<StoredMessage> peek)
    {
        if (!peek.isEmpty()) {
            return "";
        }
        if (counts.backlog() == 0 && counts.inFlight() == 0 && counts.deadLetters() == 0) {
            return "The stream is empty: every message was acknowledged.";
        }
        if (counts.deadLetters() > 0 && counts.backlog() == 0) {
            return "No message waits for delivery; " + counts.deadLetters() + " did not succeed and are in the dead letters above.";
        }
        return "No message to show right now.";
    }

    private static String cursor(String deadAfter)
    {
        return deadAfter == null ? "" : deadAfter.strip();
    }

    private static Map<String, Object> message(StoredMessage message)
    {
        String record = message.recordJson();
        return Map.of("seq", Long.toString(message.seq()), "action", message.action(), "table", message.tableSchema() + "." + message.tableName(),
                "group", message.groupKey(), "deliverCount", Integer.toString(message.deliverCount()), "delivered", message.deliverCount() > 0,
                "record", record.length() > 300 ? record.substring(0, 300) + "…" : record, "committedAt", Pages.time(message.commitTimestamp()));
    }

    private static Map<String, Object> backfill(Backfill backfill)
    {
        String state = backfill.state().name().toLowerCase(Locale.ROOT);
        String progress = backfill.rowsEstimated()
                .filter(estimate -> estimate > 0)
                .map(estimate -> backfill.rowsRead() + " of ~" + estimate + " rows (" + Math.min(100, backfill.rowsRead() * 100 / estimate) + "%)")
                .orElse(backfill.rowsRead() + " rows");
        return Map.of("id", backfill.id().value(), "state", state, "progress", progress, "error", backfill.error().orElse(""),
                "canPause", backfill.state() == Backfill.State.PENDING || backfill.state() == Backfill.State.RUNNING,
                "canResume", backfill.state() == Backfill.State.PAUSED,
                "canCancel", backfill.state() != Backfill.State.COMPLETED && backfill.state() != Backfill.State.CANCELLED && backfill.state() != Backfill.State.FAILED);
    }
}
