package io.accrue.common.error;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Every error leaves the suite as {@code application/problem+json} with a stable code. One method per
 * exception family; anything unexpected becomes an opaque 500 whose log line carries the same error id.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final io.accrue.common.security.TokenRefusals refusals;

    ProblemMappers(io.accrue.common.security.TokenRefusals refusals) {
        this.refusals = refusals;
    }

    @ServerExceptionMapper
    public Response apiException(ApiException e) {
        return Problems.toResponse(e);
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.Violation> tooLong = e.getConstraintViolations().stream().filter(ProblemMappers::overMaximum)
                .map(v -> new Problem.Violation(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field))
                .toList();
        if (!tooLong.isEmpty() && tooLong.size() == e.getConstraintViolations().size()) {
            // Only strings over their published maxLength: refused like the edge refuses a long parameter, 400. With
            // other violations too (e.g. "dollars" for a currency breaks its pattern as well) the answer stays 422
            // validation_failed listing every violation, the lengths included.
            return Problems.response(400, "value_too_long", "Value too long",
                    tooLong.stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; ")),
                    tooLong, Map.of());
        }
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field))
                .toList();
        String summary = violations.stream().map(v -> v.field() + ": " + v.message())
                .collect(Collectors.joining("; "));
        return Problems.response(422, "validation_failed", "Validation failed", summary, violations, Map.of());
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        String field = jsonPath(e);
        return Problems.response(400, "unknown_field", "Unknown field",
                "Field '" + field + "' is not part of this request; unknown fields are rejected.",
                List.of(new Problem.Violation(field, "unknown field")), Map.of());
    }

    @ServerExceptionMapper
    public Response invalidValue(InvalidFormatException e) {
        String field = jsonPath(e);
        if (e instanceof StorableStrings.TooLong) {
            return Problems.response(400, "value_too_long", "Value too long",
                    "A key of '" + field + "' is longer than " + StorableStrings.MAX_KEY_LENGTH + " characters.",
                    List.of(new Problem.Violation(field, "key longer than " + StorableStrings.MAX_KEY_LENGTH)),
                    Map.of());
        }
        return Problems.response(400, "invalid_value", "Invalid value",
                "Field '" + field + "' has a value of the wrong type or format.",
                List.of(new Problem.Violation(field, "invalid value")), Map.of());
    }

    /**
     * A value of the wrong JSON shape or type: an array, string or number where an object is expected, a string or
     * fraction for an integer, a number for a boolean (coercion is off, see {@link JsonConfig}). Quarkus' own mapper
     * for this type answers an empty 400, so this one must exist.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return unknownField(u);
        }
        if (e instanceof InvalidFormatException f) {
            return invalidValue(f);
        }
        String field = jsonPath(e);
        return Problems.response(400, "invalid_value", "Invalid value",
                "$".equals(field)
                        ? "The request body has the wrong JSON shape (e.g. an array or a string where an object is expected)."
                        : "Field '" + field + "' has a value of the wrong type or format.",
                List.of(new Problem.Violation(field, "invalid value")), Map.of());
    }

    /** Nesting, number or string beyond the parser's limits ({@link JsonConfig}). */
    @ServerExceptionMapper
    public Response jsonLimits(StreamConstraintsException e) {
        return Problems.response(400, "json_too_complex", "JSON too complex",
                "The request body exceeds a JSON limit: " + e.getOriginalMessage(), List.of(), Map.of());
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException c) {
            return jsonLimits(c);
        }
        if (e instanceof MismatchedInputException m) {
            return mismatchedInput(m);
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof StreamConstraintsException c) {
            return jsonLimits(c);
        }
        return Problems.response(400, "malformed_json", "Malformed JSON",
                "The request body is not valid JSON for this endpoint" + location(e) + ".", List.of(), Map.of());
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, jakarta.ws.rs.core.HttpHeaders headers) {
        // an issuer or audience mismatch is the deployment's to fix: say so in the log (the caller only sees 401)
        refusals.refused(headers.getHeaderString(jakarta.ws.rs.core.HttpHeaders.AUTHORIZATION));
        return Problems.toResponse(ApiException.unauthorized());
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return Problems.toResponse(ApiException.unauthorized());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problems.toResponse(ApiException.forbidden("forbidden", "The token's roles do not allow this call."));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        // Unknown routes (404), wrong methods (405), media types (415/406), and JSON bodies that RESTEasy
        // could not read (400) arrive here.
        if (e.getCause() instanceof JsonProcessingException json) {
            return json instanceof UnrecognizedPropertyException u
                    ? unknownField(u)
                    : json instanceof InvalidFormatException f ? invalidValue(f) : malformedJson(json);
        }
        if (status == 400 && e.getCause() instanceof IllegalArgumentException) {
            // a path or query parameter that did not convert (e.g. a UUID or a number)
            return Problems.response(400, "invalid_value", "Invalid value",
                    "A path or query parameter has a value of the wrong type or format.", List.of(), Map.of());
        }
        String code = switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> "http_" + status;
        };
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Error" : type.getReasonPhrase();
        return Problems.response(status, code, title, title + ".", List.of(), Map.of());
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (DatabaseOutage.isOutage(e)) {
            // Not a bug and not the caller's fault: say so, and when to come back. One line, no stack trace.
            LOG.warnf("database unavailable: %s", DatabaseOutage.describe(e));
            return Response.fromResponse(Problems.response(503, "database_unavailable", "Service unavailable",
                    "The database is unavailable; nothing was changed. Retry shortly.", List.of(), Map.of()))
                    .header("Retry-After", DatabaseOutage.RETRY_AFTER_SECONDS).build();
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s", errorId);
        return Problems.response(500, "internal_error", "Internal error",
                "An unexpected error occurred; quote error id " + errorId + " to the operator.", List.of(),
                Map.of("errorId", errorId));
    }

    private static boolean overMaximum(ConstraintViolation<?> v) {
        return v.getConstraintDescriptor().getAnnotation() instanceof jakarta.validation.constraints.Size size
                && v.getInvalidValue() instanceof CharSequence text && text.length() > size.max();
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        // Bean validation paths look like "create.request.currency": drop the method and parameter names.
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : parts[parts.length - 1];
    }

    private static String jsonPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "$" : path.toString();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
