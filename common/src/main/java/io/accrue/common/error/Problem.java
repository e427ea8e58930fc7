package io.accrue.common.error;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * RFC 9457 problem details, plus Accrue's stable {@code code} and, for 422, the list of
 * {@code violations}. Never carries class names or stack traces.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String code, String instance,
        List<Violation> violations, @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** Types are stable URIs under this base, one per code, documented in docs/errors.md. */
    public static final String TYPE_BASE = "https://accrue.io/problems/";

    /** One invalid input: where (a JSON path such as {@code events[3].model}) and what is wrong. */
    public record Violation(String field, String message) {}

    @JsonAnyGetter
    public Map<String, Object> anyExtensions() {
        return extensions == null ? Map.of() : extensions;
    }
}
