package dev.sluice.control.console;

import dev.sluice.control.auth.Caller;
import dev.sluice.control.auth.Callers;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** What every console page does: render for the signed-in account, check the CSRF token, show errors as the API words them. */
final class Pages
{
    static final String CSRF_FIELD = "csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private Pages() {}

    static Response render(String template, String title, Map<String, Object> model)
    {
        return render(Response.Status.OK.getStatusCode(), template, title, model, Optional.empty());
    }

    static Response render(int status, String template, String title, Map<String, Object> model, Optional<String> error)
    {
        Caller.AccountToken caller = Callers.account();
        return Response.status(status)
                .entity(new ConsolePage(template, title, model, Optional.of(caller.accountName()), Optional.of(Callers.session().csrfToken()), error,
                        ConsoleScopes.of(caller)))
                .type("text/html; charset=utf-8")
                .build();
    }

    /**
     * A form page: shown fresh, or again after {@code refused} with each error at its field ({@code model.errors},
     * by form field) and, above the form, the errors of no field or a line that points at the fields.
     */
    static Response form(String template, String title, Map<String, Object> model, Optional<SluiceException> refused, Set<String> fields)
    {
        Map<String, Object> full = new LinkedHashMap<>(model);
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<String> top = Optional.empty();
        if (refused.isPresent()) {
            errors.putAll(FormFields.byField(refused.get(), fields));
            String unplaced = errors.remove("");
            if (refused.get().fieldErrors().isEmpty()) {
                top = Optional.of(refused.get().getMessage());
            }
            else if (unplaced != null) {
                top = Optional.of(unplaced);
            }
            else {
                top = Optional.of(errors.size() == 1 ? "Correct the field marked below." : "Correct the " + errors.size() + " fields marked below.");
            }
        }
        full.put("errors", errors);
        return render(refused.map(e -> e.code().status()).orElse(200), template, title, full, top);
    }

    /** Runs a page's work; a problem the API would answer with (not found, refused scope) becomes an error page with its status. */
    static Response guard(Supplier<Response> page)
    {
        try {
            return page.get();
        }
        catch (SluiceException e) {
            return render(e.code().status(), "error", e.code().title(), Map.of("message", message(e)), Optional.empty());
        }
    }

    /**
     * A form post: checks the CSRF token and the manage scope, looks up what it changes (not found is an error
     * page), makes the change, and when the change is refused shows the form again with the API's message.
     */
    static <T> Response submit(MultivaluedMap<String, String> form, String csrfHeader, Function<Caller.AccountToken, T> lookup,
            BiFunction<Caller.AccountToken, T, Response> change, BiFunction<T, SluiceException, Response> refused)
    {
        return guard(() -> {
            checkCsrf(form, csrfHeader);
            Caller.AccountToken caller = Callers.manage();
            T subject = lookup.apply(caller);
            try {
                return change.apply(caller, subject);
            }
            catch (SluiceException e) {
                return refused.apply(subject, e);
            }
        });
    }

    /** Refuses a form post that does not carry the session's CSRF token (in the form, or in the header htmx sends). */
    static void checkCsrf(MultivaluedMap<String, String> form, String header)
    {
        String given = form == null ? null : form.getFirst(CSRF_FIELD);
        if (!Callers.session().acceptsCsrfToken(given) && !Callers.session().acceptsCsrfToken(header)) {
            throw new SluiceException(ErrorCode.INSUFFICIENT_SCOPE, "the form's security token is missing or stale: reload the page and try again");
        }
    }

    /** The message a person sees for a refused request: the API's detail, with the offending field when there is one. */
    static String message(SluiceException e)
    {
        if (e.fieldErrors().isEmpty()) {
            return e.getMessage();
        }
        return e.fieldErrors().stream().map(error -> error.field() + ": " + error.message()).collect(Collectors.joining("; "));
    }

    static Response redirect(String path)
    {
        return Response.seeOther(URI.create(path)).build();
    }

    static Optional<String> field(MultivaluedMap<String, String> form, String name)
    {
        return Optional.ofNullable(form.getFirst(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** The submitted values, to fill the form again after an error. */
    static Map<String, Object> values(MultivaluedMap<String, String> form)
    {
        Map<String, Object> values = new LinkedHashMap<>();
        form.forEach((name, list) -> {
            if (!name.equals(CSRF_FIELD) && !name.toLowerCase(Locale.ROOT).contains("password") && !name.toLowerCase(Locale.ROOT).contains("secret")) {
                values.put(name, list.size() == 1 ? list.get(0) : list);
            }
        });
        return values;
    }

    static String time(Instant instant)
    {
        return instant == null ? "" : TIME.format(instant.atOffset(ZoneOffset.UTC));
    }

    static String time(OffsetDateTime time)
    {
        return time == null ? "" : TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    static Optional<Integer> integer(MultivaluedMap<String, String> form, String name)
    {
        Optional<String> value = field(form, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value.get()));
        }
        catch (NumberFormatException e) {
            throw SluiceException.invalid(name, "must be a whole number");
        }
    }
}
