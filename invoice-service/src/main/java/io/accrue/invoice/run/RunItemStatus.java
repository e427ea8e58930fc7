package io.accrue.invoice.run;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/** One account of a run: pending → done, or failed (retried with backoff, then done) → abandoned after the attempts. */
public enum RunItemStatus implements WireValue {
    PENDING, DONE, FAILED, ABANDONED;

    /** The moves an item makes; a failed item failing again stays failed (no move). */
    public boolean mayMoveTo(RunItemStatus next) {
        return switch (this) {
            case PENDING, FAILED -> next == DONE || next == ABANDONED || (this == PENDING && next == FAILED);
            case DONE, ABANDONED -> false;
        };
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<RunItemStatus> {
        public Column() {
            super(RunItemStatus.class);
        }
    }
}
