package io.accrue.console.api;

import java.util.List;

/**
 * An RFC 9457 problem as a service answered it, shown to the user as is (title, detail, stable code and the
 * violations of a 422), so the console never hides or rewords why a request was refused.
 */
public record Problem(int status, String title, String detail, String code, List<String> violations) {

    public static Problem unavailable(Service service, String why) {
        return new Problem(503, "Service unavailable", service.label + " did not answer: " + why,
                "service_unavailable", List.of());
    }

    /** One line for the flash banner after a refused form post: status, title, detail, code and violations. */
    public String flash() {
        return status + " " + title + (detail.isBlank() ? "" : ": " + detail) + (code == null ? "" : " (" + code + ")")
                + (violations.isEmpty() ? "" : " — " + String.join("; ", violations));
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem(status, title, detail, null, List.of());
    }
}
