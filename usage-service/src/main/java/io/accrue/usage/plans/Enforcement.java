package io.accrue.usage.plans;

import jakarta.persistence.Converter;

import io.accrue.common.error.ApiException;
import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/**
 * What a plan does when a call would break one of its limits: {@code block} refuses it (429, or 403 for a blocked
 * end user or a model the plan does not allow), {@code alert} lets it through flagged and records a quota alert. A
 * blocked end user is refused under either. Named like every state: {@link WireValue}.
 */
public enum Enforcement implements WireValue {
    BLOCK, ALERT;

    public static Enforcement parse(String value) {
        return WireValue.find(Enforcement.class, value)
                .orElseThrow(() -> ApiException.badRequest("invalid_value", "enforcement must be block or alert."));
    }

    /** A plan may switch either way at any time: enforcement judges each call on its own, no state is carried. */
    public boolean mayMoveTo(Enforcement next) {
        return next != null;
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<Enforcement> {
        public Column() {
            super(Enforcement.class);
        }
    }
}
