package io.accrue.contract.contracts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.accrue.common.error.ApiException;

/**
 * Collects the rule violations bean validation cannot express (cross-field rules), so a request is refused
 * once with every problem listed, in the same {@code violations} shape as a 422 from bean validation.
 */
public final class Violations {

    private final List<Map<String, String>> items = new ArrayList<>();
    private String firstCode;

    public Violations add(String code, String field, String message) {
        if (firstCode == null) {
            firstCode = code;
        }
        items.add(Map.of("field", field, "message", message));
        return this;
    }

    /** Throws a 422 carrying the first violation's code and all violations, if there are any. */
    public void throwIfAny() {
        if (!items.isEmpty()) {
            throw toException();
        }
    }

    public ApiException toException() {
        String detail = String.join("; ", items.stream().map(v -> v.get("field") + ": " + v.get("message")).toList());
        return new ApiException(422, firstCode, "Unprocessable request", detail,
                Map.of("violations", List.copyOf(items)));
    }
}
