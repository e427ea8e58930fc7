package io.accrue.invoice.invoices;

import java.util.Set;

import jakarta.persistence.Converter;

import io.accrue.common.error.ApiException;
import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/** The invoice lifecycle: draft → open → paid | void | uncollectible (uncollectible may still be paid). */
public enum InvoiceStatus implements WireValue {
    DRAFT, OPEN, PAID, VOID, UNCOLLECTIBLE;

    public static InvoiceStatus parse(String value) {
        return WireValue.find(InvoiceStatus.class, value).orElseThrow(() -> ApiException.badRequest("invalid_value",
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

    @Converter(autoApply = true)
    public static class Column extends WireColumn<InvoiceStatus> {
        public Column() {
            super(InvoiceStatus.class);
        }
    }
}
