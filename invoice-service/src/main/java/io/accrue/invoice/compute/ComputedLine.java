package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import io.accrue.invoice.fx.FxRate;

/**
 * A finished invoice line: {@code amount} is rounded, once, to the currency's minor unit.
 *
 * @param fx for a line converted from another currency: the rate used and the exact amount before conversion
 *        (null for every other line)
 */
public record ComputedLine(LineType type, String description, String meter, String model, BigDecimal quantity,
        BigDecimal unitAmount, BigDecimal amount, Instant periodStart, Instant periodEnd, Converted fx,
        List<LineDimension> dimensions) {

    public ComputedLine {
        dimensions = dimensions == null ? List.of() : List.copyOf(dimensions);
    }

    public ComputedLine(LineType type, String description, String meter, String model, BigDecimal quantity,
            BigDecimal unitAmount, BigDecimal amount, Instant periodStart, Instant periodEnd) {
        this(type, description, meter, model, quantity, unitAmount, amount, periodStart, periodEnd, null);
    }

    public ComputedLine(LineType type, String description, String meter, String model, BigDecimal quantity,
            BigDecimal unitAmount, BigDecimal amount, Instant periodStart, Instant periodEnd, Converted fx) {
        this(type, description, meter, model, quantity, unitAmount, amount, periodStart, periodEnd, fx, List.of());
    }

    /**
     * What one priced dimension contributes to a cost-plus line (billing-rules "Invoices" rule 5b): its quantity,
     * its provider cost (catalog currency, unrounded) and {@code amount}, the exact charge in the invoice currency
     * after markup, contract rate and conversion. Not rounded: the amounts of a line's dimensions sum exactly to the
     * line's exact amount, which the line rounds once.
     */
    public record LineDimension(String dimension, String kind, long quantity, BigDecimal cost, BigDecimal amount) {}

    /** What a converted line converted: {@code original} (in {@code rate.from()}, unrounded) at {@code rate}. */
    public record Converted(BigDecimal original, FxRate rate) {}

    public enum LineType {
        BASE_FEE, OVERAGE, LLM_USAGE, LATE_USAGE, COMMITMENT_TRUE_UP, MINIMUM_TOP_UP, PREPAID_CREDIT, CREDIT_NOTE,
        /** On a credit note: the part of it given back as prepaid credits, not refunded as money. */
        CREDITS_RETURNED,
        /** A coupon's discount (negative), one line per coupon, before minimums and credits (billing-rules C3). */
        COUPON_DISCOUNT;

        public String wire() {
            return name().toLowerCase();
        }

        /** Lines that reduce what is owed rather than charge for something. */
        public boolean isCredit() {
            return this == PREPAID_CREDIT || this == CREDIT_NOTE;
        }
    }
}
