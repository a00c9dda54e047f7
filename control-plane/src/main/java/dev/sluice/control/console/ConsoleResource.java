package dev.sluice.control.console;

import dev.sluice.control.auth.Authenticator;
import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.control.auth.ConsoleSession;
import dev.sluice.control.auth.ConsoleSessions;
import dev.sluice.control.consumer.ConsumerService;
import dev.sluice.control.endpoint.HttpEndpointService;
import dev.sluice.control.source.SourceService;
import dev.sluice.core.error.SluiceException;
import dev.sluice.store.consumer.Consumer;
import dev.sluice.store.endpoint.HttpEndpoint;
import dev.sluice.store.source.Source;
import dev.sluice.stream.MessageStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The console's entry: logging in and out, the overview of an account's sources, endpoints and consumers, static files. */
@Path("console")
@Produces(MediaType.TEXT_HTML)
public final class ConsoleResource
{
    private static final int LIST_LIMIT = 200;
    private static final Map<String, String[]> STATIC = Map.of(
            "htmx.min.js", new String[] {"META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js", "text/javascript; charset=utf-8"},
            "uPlot.iife.min.js", new String[] {"META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "uPlot.min.css", new String[] {"META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css", "text/css; charset=utf-8"},
            "console.css", new String[] {"dev/sluice/control/console/static/console.css", "text/css; charset=utf-8"},
            "console.js", new String[] {"dev/sluice/control/console/static/console.js", "text/javascript; charset=utf-8"});

    /** The login form's CSRF token, in a cookie only the login page reads (double submit: another site can neither read nor set it). */
    static final String LOGIN_COOKIE = "sluice_login";
    private static final int LOGIN_FORM_LIFETIME_SECONDS = 3600;

    private final Authenticator authenticator;
    private final ConsoleSessions sessions;
    private final SourceService sources;
    private final HttpEndpointService endpoints;
    private final ConsumerService consumers;
    private final MessageStore messages;

    public ConsoleResource(Authenticator authenticator, ConsoleSessions sessions, SourceService sources, HttpEndpointService endpoints, ConsumerService consumers,
            MessageStore messages)
    {
        this.messages = requireNonNull(messages, "messages is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.sources = requireNonNull(sources, "sources is null");
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
        this.consumers = requireNonNull(consumers, "consumers is null");
    }

    @GET
    @Path("login")
    public Response loginPage(@HeaderParam("X-Forwarded-Proto") String forwardedProto, @Context UriInfo uri)
    {
        return login(Response.Status.OK, Optional.empty(), secure(forwardedProto, uri));
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logIn(MultivaluedMap<String, String> form, @CookieParam(LOGIN_COOKIE) String loginCsrf, @HeaderParam("X-Forwarded-Proto") String forwardedProto,
            @Context UriInfo uri)
    {
        boolean secure = secure(forwardedProto, uri);
        String given = form.getFirst(Pages.CSRF_FIELD);
        if (loginCsrf == null || given == null || !MessageDigest.isEqual(loginCsrf.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            return login(Response.Status.FORBIDDEN, Optional.of("This login form expired or was not sent from this page: log in again here."), secure);
        }
        String token = Optional.ofNullable(form.getFirst("token")).map(String::strip).orElse("");
        if (token.isEmpty()) {
            return login(Response.Status.UNAUTHORIZED, Optional.of("Paste an API token of your account."), secure);
        }
        Caller caller;
        try {
            caller = authenticator.authenticate(token);
        }
        catch (SluiceException e) {
            return login(Response.Status.UNAUTHORIZED, Optional.of(e.getMessage()), secure);
        }
        if (!(caller instanceof Caller.AccountToken account)) {
            return login(Response.Status.UNAUTHORIZED, Optional.of("The console shows one account: log in with an account's API token, not the operator token."), secure);
        }
        if (!ConsoleScopes.of(account).canRead()) {
            return login(Response.Status.FORBIDDEN, Optional.of("This token's scopes (" + ConsoleScopes.describe(account)
                    + ") let it see no page of the console: log in with a token that has the read or manage scope."), secure);
        }
        String sealed = sessions.open(account.accountId(), token);
        return Response.seeOther(URI.create("/console"))
                .cookie(cookie(sealed, (int) ConsoleSession.LIFETIME.toSeconds(), secure), loginCookie("", 0, secure))
                .build();
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logOut(MultivaluedMap<String, String> form, @HeaderParam(Pages.CSRF_HEADER) String csrfHeader)
    {
        Pages.checkCsrf(form, csrfHeader);
        // the server forgets the session, so the cookie is worthless even if the browser (or anyone) kept a copy
        sessions.end(Callers.account().accountId(), Callers.session());
        return Response.seeOther(URI.create("/console/login")).cookie(cookie("", 0, false)).build();
    }

    @GET
    public Response overview()
    {
        return Pages.guard(() -> {
            Caller.AccountToken caller = Callers.read();
            List<Source> sourceList = sources.list(caller.accountId(), "", LIST_LIMIT).items();
            Map<String, String> sourceNames = new LinkedHashMap<>();
            sourceList.forEach(source -> sourceNames.put(source.id().value(), source.name()));
            List<Map<String, Object>> sourceRows = sourceList.stream().map(source -> {
                SourceService.Status status = sources.status(caller.accountId(), source.id().value());
                return Map.<String, Object>of("id", source.id().value(), "name", source.name(), "address", source.host() + ":" + source.port() + "/" + source.database(),
                        "state", status.state(), "lag", status.slotLagBytes().map(Formats::bytes).orElse("—"));
            }).toList();
            List<Map<String, Object>> consumerRows = consumers.list(caller.accountId(), "", LIST_LIMIT).items().stream().map(consumer -> {
                MessageStore.Counts counts = consumers.status(caller.accountId(), consumer.id().value());
                ConsumerHealth health = ConsumerHealth.of(consumer, counts, consumers.deliveryHealth(caller.accountId(), consumer.id().value()),
                        messages.throughput(consumer.id(), ConsumerHealth.TREND_MINUTES));
                return Map.<String, Object>of("id", consumer.id().value(), "name", consumer.name(), "kind", kind(consumer),
                        "health", health.level(), "healthSummary", health.summary(), "source", sourceNames.getOrDefault(consumer.sourceId().value(), consumer.sourceId().value()),
                        "backlog", Long.toString(counts.backlog()), "deadLetters", Long.toString(counts.deadLetters()));
            }).toList();
            List<Map<String, Object>> endpointRows = endpoints.list(caller.accountId(), "", LIST_LIMIT).items().stream()
                    .map(endpoint -> Map.<String, Object>of("id", endpoint.id(), "name", endpoint.name(), "url", endpoint.url()))
                    .toList();
            return Pages.render("overview", "Overview", Map.of("sources", sourceRows, "consumers", consumerRows, "endpoints", endpointRows));
        });
    }

    @GET
    @Path("static/{name}")
    @Produces(MediaType.WILDCARD)
    public Response file(@PathParam("name") String name)
    {
        String[] file = STATIC.get(name);
        if (file == null) {
            return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN).entity("no such file").build();
        }
        try (InputStream in = ConsoleResource.class.getClassLoader().getResourceAsStream(file[0])) {
            if (in == null) {
                return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN).entity("no such file").build();
            }
            return Response.ok(in.readAllBytes(), file[1]).header("Cache-Control", "public, max-age=3600").build();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String kind(Consumer consumer)
    {
        return consumer.kind().name().toLowerCase(Locale.ROOT);
    }

    static String endpointLabel(HttpEndpoint endpoint)
    {
        return endpoint.name() + " (" + endpoint.url() + ")";
    }

    /** The login page, with a fresh CSRF token in its form and in the login cookie. */
    private static Response login(Response.Status status, Optional<String> error, boolean secure)
    {
        String csrf = ConsoleSession.randomToken();
        return Response.status(status)
                .entity(new ConsolePage("login", "Log in", Map.of(), Optional.empty(), Optional.of(csrf), error))
                .type("text/html; charset=utf-8")
                .cookie(loginCookie(csrf, LOGIN_FORM_LIFETIME_SECONDS, secure))
                .build();
    }

    /** Behind TLS (directly, or at a proxy that says so) cookies are only ever sent over TLS. */
    private static boolean secure(String forwardedProto, UriInfo uri)
    {
        return "https".equalsIgnoreCase(forwardedProto) || "https".equalsIgnoreCase(uri.getBaseUri().getScheme());
    }

    private static NewCookie cookie(String value, int maxAge, boolean secure)
    {
        return new NewCookie.Builder(ConsoleSession.COOKIE).value(value).path("/console").maxAge(maxAge).httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }

    private static NewCookie loginCookie(String value, int maxAge, boolean secure)
    {
        return new NewCookie.Builder(LOGIN_COOKIE).value(value).path("/console/login").maxAge(maxAge).httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }
}
