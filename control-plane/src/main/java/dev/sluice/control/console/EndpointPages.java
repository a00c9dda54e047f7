package dev.sluice.control.console;

import dev.sluice.api.model.HttpEndpointCreate;
import dev.sluice.api.model.HttpEndpointUpdate;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.control.endpoint.HttpEndpointService;
import dev.sluice.control.endpoint.HttpEndpointService.EndpointInput;
import dev.sluice.core.error.SluiceException;
import dev.sluice.store.endpoint.HttpEndpoint;
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

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The forms that create and edit HTTP endpoints. Headers are one {@code Name: value} per line; secret
 * headers and the signing secret are write-only: left empty on edit, they stay as they are.
 */
@Path("console/endpoints")
@Produces(MediaType.TEXT_HTML)
public final class EndpointPages
{
    private static final Set<String> FIELDS = Set.of("name", "url", "headers", "secretHeaders", "signingSecret");

    private final HttpEndpointService endpoints;

    public EndpointPages(HttpEndpointService endpoints)
    {
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
    }

    @GET
    @Path("new")
    public Response newForm()
    {
        return Pages.guard(() -> {
            Callers.manage();
            return form("New HTTP endpoint", "/console/endpoints", Map.of(), Optional.empty(), Optional.empty());
        });
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.submit(form, csrfHeader, caller -> caller, (caller, unused) -> {
                FormFields fields = new FormFields(form, HttpEndpointCreate.class);
                Optional<String> name = fields.required("name");
                Optional<String> url = fields.required("url");
                Optional<Map<String, String>> headers = fields.read("headers", () -> headers(form, "headers"));
                Optional<Map<String, String>> secretHeaders = Pages.field(form, "secretHeaders").flatMap(text -> fields.read("secretHeaders", () -> headers(form, "secretHeaders")));
                Optional<String> signingSecret = fields.text("signingSecret");
                EndpointInput input = new EndpointInput(name, url, headers, secretHeaders, signingSecret);
                fields.also(() -> endpoints.check(input));
                fields.throwIfInvalid();
                HttpEndpointService.CreatedEndpoint created = endpoints.create(caller.accountId(), Optional.empty(), input, form);
                return created.signingSecret().isPresent() ? secretShown(created, false) : Pages.redirect("/console");
            },
            (unused, e) -> form("New HTTP endpoint", "/console/endpoints", Pages.values(form), Optional.empty(), Optional.of(e)));
    }

    @GET
    @Path("{id}/edit")
    public Response editForm(@PathParam("id") String id)
    {
        return Pages.guard(() -> {
            Caller.AccountToken caller = Callers.manage();
            HttpEndpoint endpoint = endpoints.get(caller.accountId(), id);
            return form("Edit " + endpoint.name(), "/console/endpoints/" + endpoint.id(), values(endpoint), Optional.of(endpoint), Optional.empty());
        });
    }

    @POST
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("id") String id, MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.submit(form, csrfHeader, caller -> endpoints.get(caller.accountId(), id), (caller, endpoint) -> {
                FormFields fields = new FormFields(form, HttpEndpointUpdate.class);
                Optional<String> name = fields.text("name");
                Optional<String> url = fields.text("url");
                Optional<Map<String, String>> headers = fields.read("headers", () -> headers(form, "headers"));
                Optional<Map<String, String>> secretHeaders = Pages.field(form, "secretHeaders").flatMap(text -> fields.read("secretHeaders", () -> headers(form, "secretHeaders")));
                Optional<String> signingSecret = fields.text("signingSecret");
                EndpointInput changes = new EndpointInput(name, url, headers, secretHeaders, signingSecret);
                fields.also(() -> endpoints.check(changes));
                fields.throwIfInvalid();
                HttpEndpointService.CreatedEndpoint updated = endpoints.update(caller.accountId(), endpoint.id(), changes);
                return updated.signingSecret().isPresent() ? secretShown(updated, true) : Pages.redirect("/console");
            },
            (endpoint, e) -> form("Edit " + endpoint.name(), "/console/endpoints/" + endpoint.id(), Pages.values(form), Optional.of(endpoint), Optional.of(e)));
    }

    @POST
    @Path("{id}/rotate-signing-secret")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response rotateSigningSecret(@PathParam("id") String id, MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.submit(form, csrfHeader, caller -> endpoints.get(caller.accountId(), id),
                (caller, endpoint) -> secretShown(endpoints.rotateSigningSecret(caller.accountId(), endpoint.id()), true),
                (endpoint, e) -> form("Edit " + endpoint.name(), "/console/endpoints/" + endpoint.id(), values(endpoint), Optional.of(endpoint), Optional.of(e)));
    }

    @POST
    @Path("{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("id") String id, MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        return Pages.submit(form, csrfHeader, caller -> endpoints.get(caller.accountId(), id), (caller, endpoint) -> {
                endpoints.delete(caller.accountId(), endpoint.id());
                return Pages.redirect("/console");
            },
            (endpoint, e) -> form("Edit " + endpoint.name(), "/console/endpoints/" + endpoint.id(), values(endpoint), Optional.of(endpoint), Optional.of(e)));
    }

    /** The one page that shows a signing secret: after create, and after a rotation. */
    private static Response secretShown(HttpEndpointService.CreatedEndpoint endpoint, boolean rotated)
    {
        return Pages.render(rotated ? 200 : 201, "endpoint-secret", "Signing secret of " + endpoint.endpoint().name(), Map.of(
                "name", endpoint.endpoint().name(), "secret", endpoint.signingSecret().orElseThrow(), "rotated", rotated), Optional.empty());
    }

    private static Map<String, Object> values(HttpEndpoint endpoint)
    {
        return Map.of("name", endpoint.name(), "url", endpoint.url(), "headers",
                endpoint.headers().entrySet().stream().map(header -> header.getKey() + ": " + header.getValue()).collect(Collectors.joining("\n")));
    }

    private static Response form(String title, String action, Map<String, Object> values, Optional<HttpEndpoint> existing, Optional<SluiceException> refused)
    {
        Map<String, Object> model = Map.of("action", action, "values", values, "creating", existing.isEmpty(),
                "secretHeaderNames", existing.map(endpoint -> String.join(", ", endpoint.secretHeaderNames())).orElse(""),
                "hasSigningSecret", existing.map(endpoint -> endpoint.signingSecretEncrypted().isPresent()).orElse(false));
        return Pages.form("endpoint-form", title, model, refused, FIELDS);
    }

    /** {@code Name: value} lines; a line without a colon is refused with its number. */
    private static Map<String, String> headers(MultivaluedMap<String, String> form, String field)
    {
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = Optional.ofNullable(form.getFirst(field)).orElse("").split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw SluiceException.invalid(field, "line " + (i + 1) + " must read 'Name: value'");
            }
            headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        return headers;
    }
}
