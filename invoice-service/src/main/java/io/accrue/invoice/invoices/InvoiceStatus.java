package io.accrue.invoice.invoices;

import java.util.Arrays;
import java.util.Set;

import io.accrue.common.error.ApiException;

/** The invoice lifecycle: draft → open → paid | void | uncollectible (uncollectible may still be paid). */
public enum InvoiceStatus {
    DRAFT, OPEN, PAID, VOID, UNCOLLECTIBLE;

    public String wire() {
        return name().toLowerCase();
    }

    public static InvoiceStatus parse(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst()
                .orElseThrow(() -> ApiException.badRequest("invalid_value",
                        "status must be one of draft, open, paid, void, uncollectible."));
    }

    /** The moves the lifecycle allows; finalised states never go back to draft. */
    public boolean mayMoveTo(InvoiceStatus next) {
        return switch (this) {
            case DRAFT -> Set.of(OPEN, VOID).contains(next);
            case OPEN -> Set.of(PAID, VOID, UNCOLLECTIBLE).contains(next);
            case UNCOLLECTIBLE -> Set.of(PAID, VOID).contains(next);
            case PAID, VOID -> false;
        };
    }
}
