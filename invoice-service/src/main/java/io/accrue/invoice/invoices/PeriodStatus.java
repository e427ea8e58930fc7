package io.accrue.invoice.invoices;

import java.util.Arrays;

/** A period in the billed-through ledger: unbilled → invoiced | written_off, both final. */
public enum PeriodStatus {
    UNBILLED, INVOICED, WRITTEN_OFF;

    public String wire() {
        return name().toLowerCase();
    }

    public static PeriodStatus parse(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst()
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
}
