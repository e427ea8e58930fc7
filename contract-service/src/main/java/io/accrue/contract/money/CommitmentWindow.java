package io.accrue.contract.money;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One commitment period of a contract, half-open {@code [start, end)}, and the spend committed for it
 * ({@code committed}, unrounded; prorated when the window is a stub). {@code fullEnd} is where the window
 * would end without the stub, kept for reporting.
 */
public record CommitmentWindow(Instant start, Instant end, Instant fullEnd, BigDecimal committed) {

    public boolean contains(Instant at) {
        return !at.isBefore(start) && at.isBefore(end);
    }

    public boolean isStub() { return !end.equals(fullEnd); }
}
