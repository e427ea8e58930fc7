package io.accrue.usage.plans;

import java.util.Arrays;

import io.accrue.common.error.ApiException;

/**
 * What a plan does when a call would break one of its limits: {@code block} refuses it (429, or 403 for a blocked
 * end user or a model the plan does not allow), {@code alert} lets it through flagged and records a quota alert. A
 * blocked end user is refused under either. Named like {@code InvoiceStatus}: {@link #wire()} and {@link #parse}.
 */
public enum Enforcement {
    BLOCK, ALERT;

    public String wire() {
        return name().toLowerCase();
    }

    public static Enforcement parse(String value) {
        return Arrays.stream(values()).filter(e -> e.wire().equals(value)).findFirst()
                .orElseThrow(() -> ApiException.badRequest("invalid_value", "enforcement must be block or alert."));
    }

    /** A plan may switch either way at any time: enforcement judges each call on its own, no state is carried. */
    public boolean mayMoveTo(Enforcement next) {
        return next != null;
    }
}
