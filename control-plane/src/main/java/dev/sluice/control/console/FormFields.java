package dev.sluice.control.console;

import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import io.dropwizard.jersey.validation.Validators;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Reads a console form the way the API reads its request: every value is checked against the constraints
 * of the API's own request model (the generated class, so the spec's patterns, lengths and ranges), and
 * every error is kept, so the form shows them all at their fields at once. What the model cannot say (a
 * name taken, a private URL, a bad filter) the service checks next, as it does for the API.
 */
final class FormFields
{
    private static final Validator VALIDATOR = Validators.newValidator();
    /** Form fields whose API name differs from the snake_case of theirs. */
    private static final Map<String, String> FORM_NAMES = Map.of("sourceId", "source", "endpointId", "endpoint", "startPosition", "start");

    private final MultivaluedMap<String, String> form;
    private final Class<?> model;
    private final Map<String, String> errors = new LinkedHashMap<>();

    FormFields(MultivaluedMap<String, String> form, Class<?> model)
    {
        this.form = requireNonNull(form, "form is null");
        this.model = requireNonNull(model, "model is null");
    }

    /** A text field, stripped; empty when left blank. Checked against the model's property of the same name. */
    Optional<String> text(String field)
    {
        Optional<String> value = Pages.field(form, field);
        value.ifPresent(text -> check(field, text));
        return value;
    }

    /** A field the form must have; a blank one is an error at the field. */
    Optional<String> required(String field)
    {
        Optional<String> value = text(field);
        if (value.isEmpty()) {
            fail(field, "is required");
        }
        return value;
    }

    Optional<Integer> integer(String field)
    {
        Optional<String> text = Pages.field(form, field);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            int value = Integer.parseInt(text.get());
            check(field, value);
            return Optional.of(value);
        }
        catch (NumberFormatException e) {
            fail(field, "must be a whole number");
            return Optional.empty();
        }
    }

    /** Runs a part of the form that may refuse its value, keeping the error at its field and going on. */
    <T> Optional<T> read(String field, Supplier<T> reader)
    {
        try {
            return Optional.ofNullable(reader.get());
        }
        catch (SluiceException e) {
            fail(field, e.fieldErrors().isEmpty() ? e.getMessage() : e.fieldErrors().get(0).message());
            return Optional.empty();
        }
    }

    /** Runs a service's check of the values read, keeping every error it finds at its form field. */
    void also(Runnable check)
    {
        try {
            check.run();
        }
        catch (SluiceException e) {
            if (e.fieldErrors().isEmpty()) {
                throw e;
            }
            e.fieldErrors().forEach(error -> fail(formField(error.field()), error.message()));
        }
    }

    void fail(String field, String message)
    {
        errors.putIfAbsent(field, message);
    }

    /** Refuses the form with every error found, each at its field; does nothing when there is none. */
    void throwIfInvalid()
    {
        if (errors.isEmpty()) {
            return;
        }
        List<SluiceException.FieldError> fieldErrors = new ArrayList<>();
        errors.forEach((field, message) -> fieldErrors.add(new SluiceException.FieldError(field, message)));
        String detail = fieldErrors.stream().map(error -> error.field() + ": " + error.message()).reduce((a, b) -> a + "; " + b).orElseThrow();
        throw new SluiceException(ErrorCode.VALIDATION_FAILED, detail, fieldErrors, null);
    }

    private void check(String field, Object value)
    {
        String property = FORM_NAMES.entrySet().stream().filter(entry -> entry.getValue().equals(field)).map(Map.Entry::getKey).findFirst().orElse(field);
        Set<? extends ConstraintViolation<?>> violations;
        try {
            violations = VALIDATOR.validateValue(model, property, value);
        }
        catch (RuntimeException e) {
            return; // the model has no such property (or another type): nothing it can say about it
        }
        violations.stream().findFirst().ifPresent(violation -> fail(field, message(violation)));
    }

    private static String message(ConstraintViolation<?> violation)
    {
        if (violation.getMessageTemplate().contains("Pattern")) {
            return "must match " + violation.getConstraintDescriptor().getAttributes().get("regexp");
        }
        return violation.getMessage();
    }

    /**
     * The errors of a refused form by form field: an API field ({@code max_deliver}, {@code secret_headers.X},
     * {@code tables[0].table}) goes to the form field it came from ({@code maxDeliver}, {@code secretHeaders},
     * {@code tables}); an error of no field stays with the form.
     */
    static Map<String, String> byField(SluiceException e, Set<String> formFields)
    {
        Map<String, String> byField = new LinkedHashMap<>();
        for (SluiceException.FieldError error : e.fieldErrors()) {
            String field = formField(error.field());
            if (formFields.contains(field)) {
                byField.putIfAbsent(field, error.message());
            }
            else {
                byField.merge("", error.field().isEmpty() ? error.message() : error.field() + ": " + error.message(), (a, b) -> a + "; " + b);
            }
        }
        return byField;
    }

    static String formField(String apiField)
    {
        int end = apiField.length();
        for (char stop : new char[] {'.', '['}) {
            int at = apiField.indexOf(stop);
            if (at > 0 && at < end) {
                end = at;
            }
        }
        String head = apiField.substring(0, end);
        StringBuilder camel = new StringBuilder();
        boolean upper = false;
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            if (c == '_') {
                upper = true;
                continue;
            }
            camel.append(upper ? Character.toUpperCase(c) : c);
            upper = false;
        }
        String name = camel.toString();
        return FORM_NAMES.getOrDefault(name, name);
    }
}
