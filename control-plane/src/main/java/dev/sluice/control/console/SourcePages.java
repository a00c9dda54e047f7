package dev.sluice.control.console;

import dev.sluice.api.model.SourceCreate;
import dev.sluice.api.model.SourceUpdate;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.control.consumer.ConsumerService;
import dev.sluice.control.source.SourceService;
import dev.sluice.control.source.SourceTable;
import dev.sluice.core.error.SluiceException;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.source.Source;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** A source's health and tables, and the forms that create and edit sources. */
@Path("console/sources")
@Produces(MediaType.TEXT_HTML)
public final class SourcePages
{
    private static final Set<String> FIELDS = Set.of("name", "host", "port", "database", "username", "password", "sslMode");
    private static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    private final SourceService sources;
    private final ConsumerService consumers;

    public SourcePages(SourceService sources, ConsumerService consumers)
    {
        this.sources = requireNonNull(sources, "sources is null");
        this.consumers = requireNonNull(consumers, "consumers is null");
    }

    @GET
    @Path("new")
    public Response newForm()
    {
        return Pages.guard(() -> {
            Callers.manage();
            return form("New source", "/console/sources", Map.of("port", "5432", "sslMode", "prefer"), true, Optional.empty());
        });
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.submit(form, csrfHeader, caller -> caller, (caller, unused) -> {
                FormFields fields = new FormFields(form, SourceCreate.class);
                Optional<String> name = fields.required("name");
                Optional<String> host = fields.required("host");
                Optional<Integer> port = fields.integer("port");
                Optional<String> database = fields.required("database");
                Optional<String> username = fields.required("username");
                String password = Optional.ofNullable(form.getFirst("password")).orElse("");
                if (password.isEmpty()) {
                    fields.fail("password", "is required");
                }
                fields.throwIfInvalid();
                SourceService.NewSource input = new SourceService.NewSource(name.orElseThrow(), host.orElseThrow(), port.orElse(5432), database.orElseThrow(),
                        username.orElseThrow(), password, Pages.field(form, "sslMode").orElse("prefer"), Optional.empty(), Optional.empty(), true, true);
                Source source = sources.create(caller.accountId(), Optional.empty(), input, form);
                return Pages.redirect("/console/sources/" + source.id());
            },
            (unused, e) -> form("New source", "/console/sources", Pages.values(form), true, Optional.of(e)));
    }

    @GET
    @Path("{id}")
    public Response show(@PathParam("id") String id)
    {
        return Pages.guard(() -> {
            Caller.AccountToken caller = Callers.read();
            Source source = sources.get(caller.accountId(), id);
            SourceService.Status status = sources.status(caller.accountId(), source.id().value());
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("id", source.id().value());
            model.put("name", source.name());
            model.put("address", source.host() + ":" + source.port() + "/" + source.database() + " as " + source.username());
            model.put("publication", source.publicationName());
            model.put("slot", source.slotName());
            model.put("state", status.state());
            model.put("worker", status.worker().orElse("—"));
            model.put("confirmedLsn", status.checkpoint().map(Object::toString).orElse("—"));
            model.put("slotLag", status.slotLagBytes().map(Formats::bytes).orElse("—"));
            model.put("messagesStored", Long.toString(status.messagesStored()));
            model.put("lastError", status.lastError().orElse(""));
            model.put("lastErrorAt", status.lastErrorAt().map(Pages::time).orElse(""));
            List<Consumer> ofSource = consumers.list(caller.accountId(), "", 200).items().stream().filter(consumer -> consumer.sourceId().equals(source.id())).toList();
            model.put("consumerCount", Integer.toString(ofSource.size()));
            model.put("consumerNames", ofSource.isEmpty() ? "none" : ofSource.stream().map(Consumer::name).collect(Collectors.joining(", ")));
            try {
                model.put("tables", sources.tables(source).stream().map(table -> table(table, ofSource)).toList());
                model.put("tablesError", "");
            }
            catch (SluiceException e) {
                model.put("tables", List.of());
                model.put("tablesError", "Cannot read the tables: " + e.getMessage());
            }
            return Pages.render("source", source.name(), model);
        });
    }

    @GET
    @Path("{id}/edit")
    public Response editForm(@PathParam("id") String id)
    {
        return Pages.guard(() -> {
            Caller.AccountToken caller = Callers.manage();
            Source source = sources.get(caller.accountId(), id);
            Map<String, Object> values = Map.of("name", source.name(), "host", source.host(), "port", Integer.toString(source.port()),
                    "database", source.database(), "username", source.username(), "sslMode", source.sslMode());
            return form("Edit " + source.name(), "/console/sources/" + source.id(), values, false, Optional.empty());
        });
    }

    @POST
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("id") String id, MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.submit(form, csrfHeader, caller -> sources.get(caller.accountId(), id), (caller, source) -> {
                FormFields fields = new FormFields(form, SourceUpdate.class);
                Optional<String> name = fields.text("name");
                Optional<String> host = fields.text("host");
                Optional<Integer> port = fields.integer("port");
                Optional<String> username = fields.text("username");
                fields.throwIfInvalid();
                SourceService.SourceChanges changes = new SourceService.SourceChanges(name.filter(value -> !value.equals(source.name())),
                        host.filter(value -> !value.equals(source.host())),
                        port.filter(value -> value != source.port()),
                        username.filter(value -> !value.equals(source.username())),
                        Optional.ofNullable(form.getFirst("password")).filter(password -> !password.isEmpty()),
                        Pages.field(form, "sslMode").filter(mode -> !mode.equals(source.sslMode())));
                sources.update(caller.accountId(), source.id().value(), changes);
                return Pages.redirect("/console/sources/" + source.id());
            },
            (source, e) -> {
                Map<String, Object> values = new LinkedHashMap<>(Pages.values(form));
                values.put("database", source.database());
                return form("Edit " + source.name(), "/console/sources/" + source.id(), values, false, Optional.of(e));
            });
    }

    /** Re-creates a lost slot and backfills the source's consumers, as {@code POST /v1/sources/{id}/reset-slot} does. */
    @POST
    @Path("{id}/reset-slot")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response resetSlot(@PathParam("id") String id, MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.guard(() -> {
            Pages.checkCsrf(form, csrfHeader);
            Caller.AccountToken caller = Callers.manage();
            Source source = sources.get(caller.accountId(), id);
            sources.resetSlot(caller.accountId(), source.id().value());
            return Pages.redirect("/console/sources/" + source.id());
        });
    }

    /** A source check's refusal has no field: it lists every failed check above the form. */
    private static Response form(String title, String action, Map<String, Object> values, boolean creating, Optional<SluiceException> refused)
    {
        Map<String, Object> model = Map.of("action", action, "values", values, "creating", creating, "sslModes", SSL_MODES);
        return Pages.form("source-form", title, model, refused, FIELDS);
    }

    private static Map<String, Object> table(SourceTable table, List<Consumer> consumers)
    {
        List<String> warnings = new ArrayList<>();
        List<Consumer> using = consumers.stream().filter(consumer -> consumer.tables().stream()
                .anyMatch(selection -> selection.schema().equals(table.schema()) && selection.table().equals(table.name()))).toList();
        if (table.primaryKey().isEmpty()) {
            warnings.add("No primary key: messages have no key to keep in order, and backfills cannot read it. Add a primary key, or give consumers group columns and set REPLICA IDENTITY FULL.");
        }
        if (!"full".equals(table.replicaIdentity()) && using.stream().anyMatch(consumer -> consumer.actions().contains("update"))) {
            warnings.add("REPLICA IDENTITY is " + table.replicaIdentity() + ", not FULL: update messages carry no \"changes\" (old values) and deletes carry only the key. "
                    + "Run: ALTER TABLE " + table.schema() + "." + table.name() + " REPLICA IDENTITY FULL");
        }
        if (!using.isEmpty() && !table.inPublication()) {
            warnings.add("Not in the publication: consumers of this table receive nothing from it.");
        }
        List<String> notStreamed = table.columns().stream().filter(column -> !column.streamed()).map(SourceTable.Column::name).toList();
        if (!notStreamed.isEmpty()) {
            warnings.add("Generated columns not streamed: " + String.join(", ", notStreamed) + ". Changes from the WAL do not carry them (Postgres sends "
                    + "stored generated columns from version 18, with the publication's publish_generated_columns = stored); backfill reads do.");
        }
        return Map.of("schema", table.schema(), "name", table.name(), "primaryKey", String.join(", ", table.primaryKey()),
                "replicaIdentity", table.replicaIdentity(), "inPublication", table.inPublication() ? "yes" : "no",
                "consumers", using.stream().map(Consumer::name).collect(Collectors.joining(", ")), "warnings", warnings);
    }
}
