package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.time.Instant;

import io.accrue.invoice.fx.FxRate;

/**
 * A finished invoice line: {@code amount} is rounded, once, to the currency's minor unit.
 *
 * @param fx for a line converted from another currency: the rate used and the exact amount before conversion
 *        (null for every other line)
 */
public record ComputedLine(LineType type, String description, String meter, String model, BigDecimal quantity,
        BigDecimal unitAmount, BigDecimal amount, Instant periodStart, Instant periodEnd, Converted fx) {

    public ComputedLine(LineType type, String description, String meter, String model, BigDecimal quantity,
            BigDecimal unitAmount, BigDecimal amount, Instant periodStart, Instant periodEnd) {
        this(type, description, meter, model, quantity, unitAmount, amount, periodStart, periodEnd, null);
    }

    /** What a converted line converted: {@code original} (in {@code rate.from()}, unrounded) at {@code rate}. */
    public record Converted(BigDecimal original, FxRate rate) {}

    public enum LineType {
        BASE_FEE, OVERAGE, LLM_USAGE, LATE_USAGE, COMMITMENT_TRUE_UP, MINIMUM_TOP_UP, PREPAID_CREDIT, CREDIT_NOTE,
        /** On a credit note: the part of it given back as prepaid credits, not refunded as money. */
        CREDITS_RETURNED;

        public String wire() {
            return name().toLowerCase();
        }

        /** Lines that reduce what is owed rather than charge for something. */
        public boolean isCredit() {
            return this == PREPAID_CREDIT || this == CREDIT_NOTE;
        }
    }
}
