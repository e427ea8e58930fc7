package io.accrue.invoice.invoices;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/** A period in the billed-through ledger: unbilled → invoiced | written_off, both final. */
public enum PeriodStatus implements WireValue {
    UNBILLED, INVOICED, WRITTEN_OFF;

    public static PeriodStatus parse(String value) {
        return WireValue.find(PeriodStatus.class, value)
                .orElseThrow(() -> new IllegalArgumentException("unknown period status " + value));
    }

    /** Only an unbilled period moves; an invoiced or written-off one is final (the database agrees, V9). */
    public boolean mayMoveTo(PeriodStatus next) {
        return this == UNBILLED && next != UNBILLED;
    }

    /** Done for the ledger: nothing is owed any more for the period, or an operator decided so. */
    public boolean settled() {
        return this != UNBILLED;
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<PeriodStatus> {
        public Column() {
            super(PeriodStatus.class);
        }
    }
}
