package dev.sluice.control.http;

import dev.sluice.api.model.FieldError;
import dev.sluice.api.model.Problem;
import dev.sluice.core.error.ErrorCode;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Bean-validation failures of the generated models (required fields, ranges, patterns) become a 422 that
 * names each field by its JSON name.
 */
public final class ValidationExceptionMapper
        implements ExceptionMapper<ConstraintViolationException>
{
    @Override
    public Response toResponse(ConstraintViolationException exception)
    {
        List<FieldError> errors = exception.getConstraintViolations().stream()
                .map(violation -> new FieldError(field(violation), message(violation)))
                .sorted(Comparator.comparing(FieldError::getField))
                .distinct()
                .toList();
        String detail = errors.isEmpty()
                ? "request is invalid"
                : errors.stream().map(error -> error.getField() + ": " + error.getMessage()).reduce((a, b) -> a + "; " + b).orElseThrow();
        Problem problem = Problems.problem(ErrorCode.VALIDATION_FAILED, detail);
        if (!errors.isEmpty()) {
            problem.setField(errors.get(0).getField());
            problem.setErrors(errors);
        }
        return Problems.response(problem);
    }

    private static String message(ConstraintViolation<?> violation)
    {
        String template = violation.getMessageTemplate();
        if (template.contains("Pattern")) {
            return "must match " + violation.getConstraintDescriptor().getAttributes().get("regexp");
        }
        return violation.getMessage();
    }

    /**
     * The JSON path of a violation: the method and body parameter are dropped, Java property names become
     * snake_case; a violation on a parameter itself names the header or query parameter, or {@code body}.
     */
    static String field(ConstraintViolation<?> violation)
    {
        StringBuilder field = new StringBuilder();
        String parameter = null;
        Path.MethodNode method = null;
        for (Path.Node node : violation.getPropertyPath()) {
            switch (node.getKind()) {
                case METHOD -> method = node.as(Path.MethodNode.class);
                case CONSTRUCTOR, RETURN_VALUE, CROSS_PARAMETER -> { }
                case PARAMETER -> parameter = method == null ? null : httpName(violation.getRootBeanClass(), method, node.as(Path.ParameterNode.class).getParameterIndex());
                default -> {
                    if (node.isInIterable() && node.getIndex() != null) {
                        field.append('[').append(node.getIndex()).append(']');
                    }
                    if (node.isInIterable() && node.getKey() != null) {
                        field.append('[').append(node.getKey()).append(']');
                    }
                    if (node.getName() != null) {
                        if (field.length() > 0) {
                            field.append('.');
                        }
                        field.append(snakeCase(node.getName()));
                    }
                }
            }
        }
        if (field.length() > 0) {
            return field.toString();
        }
        return parameter == null ? "body" : parameter;
    }

    /** The query, header or path parameter's HTTP name from the JAX-RS annotation on the (interface) method. */
    private static String httpName(Class<?> resource, Path.MethodNode method, int index)
    {
        List<Class<?>> types = new ArrayList<>(List.of(resource));
        types.addAll(List.of(resource.getInterfaces()));
        for (Class<?> type : types) {
            try {
                Method candidate = type.getMethod(method.getName(), method.getParameterTypes().toArray(Class<?>[]::new));
                for (Annotation annotation : candidate.getParameterAnnotations()[index]) {
                    if (annotation instanceof QueryParam query) {
                        return query.value();
                    }
                    if (annotation instanceof HeaderParam header) {
                        return header.value();
                    }
                    if (annotation instanceof PathParam path) {
                        return path.value();
                    }
                }
            }
            catch (NoSuchMethodException e) {
                // not declared here; try the next type
            }
        }
        return null;
    }

    static String snakeCase(String name)
    {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            }
            else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
