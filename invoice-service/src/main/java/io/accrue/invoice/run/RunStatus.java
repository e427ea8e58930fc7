package io.accrue.invoice.run;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/**
 * A billing run: planning (listing accounts) → running → completed | completed_with_failures; a run with failures is
 * resumed, and completes once its failed accounts close.
 */
public enum RunStatus implements WireValue {
    PLANNING, RUNNING, COMPLETED, COMPLETED_WITH_FAILURES;

    /** The moves a run makes; finishing a run with failures again (a resume that still fails) is no move. */
    public boolean mayMoveTo(RunStatus next) {
        return switch (this) {
            case PLANNING -> next == RUNNING;
            case RUNNING -> next == COMPLETED || next == COMPLETED_WITH_FAILURES;
            case COMPLETED_WITH_FAILURES -> next == COMPLETED;
            case COMPLETED -> false;
        };
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<RunStatus> {
        public Column() {
            super(RunStatus.class);
        }
    }
}
