package dev.sluice.control.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.sluice.api.model.FieldError;
import dev.sluice.api.model.Problem;
import dev.sluice.core.error.ErrorCode;
import dev.sluice.core.error.SluiceException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Request bodies that are not valid JSON, or not of the documented shape (unknown fields, wrong types),
 * are a 400 that names the field.
 */
public final class JsonExceptionMapper
        implements ExceptionMapper<JsonProcessingException>
{
    @Override
    public Response toResponse(JsonProcessingException exception)
    {
        for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SluiceException sluice) {
                // e.g. the body grew past the size limit while it was being parsed
                return new SluiceExceptionMapper().toResponse(sluice);
            }
        }
        if (exception instanceof StreamConstraintsException) {
            return Problems.response(Problems.problem(ErrorCode.MALFORMED_REQUEST, "request body is nested too deeply or too large: " + exception.getOriginalMessage()));
        }
        if (exception instanceof JsonParseException || !(exception instanceof JsonMappingException mapping)) {
            return Problems.response(Problems.problem(ErrorCode.MALFORMED_REQUEST, "request body is not valid JSON: " + firstLine(exception.getOriginalMessage())));
        }
        String field = path(mapping);
        String message;
        if (exception instanceof MismatchedInputException && String.valueOf(exception.getOriginalMessage()).startsWith("Missing required creator property")) {
            // a required field that is absent is a validation error, like one that is present but null
            return Problems.response(validationProblem(field, "is required"));
        }
        if (exception instanceof UniqueItemsDeserializer.DuplicateItemsException) {
            return Problems.response(validationProblem(field, UniqueItemsDeserializer.MESSAGE));
        }
        if (exception instanceof InvalidNullException) {
            // no field is nullable; said as bean validation says it of a required field that is null
            return Problems.response(validationProblem(field, "must not be null"));
        }
        if (exception instanceof UnrecognizedPropertyException unrecognized) {
            message = "unknown field '" + unrecognized.getPropertyName() + "'";
        }
        else if (exception instanceof InvalidFormatException invalid && invalid.getValue() instanceof String text && text.indexOf('\0') >= 0) {
            message = NulFreeStringDeserializer.MESSAGE;
        }
        else if (exception instanceof InvalidFormatException invalid) {
            message = "invalid value " + describe(invalid.getValue()) + expected(invalid.getTargetType());
        }
        else if (exception instanceof ValueInstantiationException instantiation && instantiation.getCause() != null) {
            message = "invalid value: " + firstLine(instantiation.getCause().getMessage());
        }
        else if (exception instanceof MismatchedInputException mismatched) {
            message = mismatched.getTargetType() == null ? firstLine(exception.getOriginalMessage()) : "wrong type" + expected(mismatched.getTargetType());
        }
        else {
            message = firstLine(exception.getOriginalMessage());
        }
        Problem problem = Problems.problem(ErrorCode.MALFORMED_REQUEST, field.isEmpty() ? message : field + ": " + message);
        if (!field.isEmpty()) {
            problem.setField(field);
            problem.setErrors(List.of(new FieldError(field, message)));
        }
        return Problems.response(problem);
    }

    private static Problem validationProblem(String field, String message)
    {
        Problem problem = Problems.problem(ErrorCode.VALIDATION_FAILED, field + ": " + message);
        problem.setField(field);
        problem.setErrors(List.of(new FieldError(field, message)));
        return problem;
    }

    private static String path(JsonMappingException exception)
    {
        return exception.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String expected(Class<?> type)
    {
        if (type == null) {
            return "";
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return "; expected one of " + Arrays.stream(constants).map(Object::toString).collect(Collectors.joining(", "));
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "; expected an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "; expected true or false";
        }
        if (type == String.class) {
            return "; expected a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "; expected an array";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "; expected an object";
        }
        return "; expected " + (type.getPackageName().startsWith("dev.sluice.api.model") ? "an object" : type.getSimpleName());
    }

    private static String describe(Object value)
    {
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }

    private static String firstLine(String message)
    {
        if (message == null) {
            return "unreadable body";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
