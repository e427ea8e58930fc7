package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Everything one invoice is computed from; gathered from the neighbours by the billing run.
 *
 * @param segments the subscription timeline cut into the plans that were in effect, in order
 * @param usage usage of the period (by occurred_at, recorded before the close) when the segments do not carry
 *        their own; only for a period with one segment (usage is priced by the plan in effect when it occurred)
 * @param llmMarkup cost-plus markup on provider cost for per-model LLM lines: revenue = cost × (1 + markup)
 * @param contract contract terms in effect at the period start, or null
 * @param commitmentDrawnBefore usage already drawn from the current commitment window by earlier invoices
 * @param late usage of earlier, already closed periods recorded after they were invoiced
 * @param coupons the organisation's coupon redemptions active for the period, in redemption order
 */
public record InvoiceInput(String currency, Instant periodStart, Instant periodEnd, List<PlanSegment> segments,
        UsageTotals usage, BigDecimal llmMarkup, ContractTerms contract, BigDecimal commitmentDrawnBefore,
        List<LateUsage> late, List<AppliedCoupon> coupons) {

    public InvoiceInput {
        segments = List.copyOf(segments);
        late = late == null ? List.of() : List.copyOf(late);
        coupons = coupons == null ? List.of() : List.copyOf(coupons);
        llmMarkup = llmMarkup == null ? BigDecimal.ZERO : llmMarkup;
        commitmentDrawnBefore = commitmentDrawnBefore == null ? BigDecimal.ZERO : commitmentDrawnBefore;
        usage = usage == null ? UsageTotals.NONE : usage;
    }

    /** An input without coupons. */
    public InvoiceInput(String currency, Instant periodStart, Instant periodEnd, List<PlanSegment> segments,
            UsageTotals usage, BigDecimal llmMarkup, ContractTerms contract, BigDecimal commitmentDrawnBefore,
            List<LateUsage> late) {
        this(currency, periodStart, periodEnd, segments, usage, llmMarkup, contract, commitmentDrawnBefore, late,
                List.of());
    }

    /** The same input with these coupons. */
    public InvoiceInput withCoupons(List<AppliedCoupon> applied) {
        return new InvoiceInput(currency, periodStart, periodEnd, segments, usage, llmMarkup, contract,
                commitmentDrawnBefore, late, applied);
    }

    /**
     * A plan in effect over {@code [from, to)}.
     *
     * @param usage the usage this plan prices: what occurred from this segment's start (the period start for the
     *        first segment) until the next segment's start (the period end for the last), so the segments' usages
     *        cover the period; null when the caller gives the period's usage instead (one segment only)
     */
    public record PlanSegment(Instant from, Instant to, PlanTerms plan, UsageTotals usage) {

        public PlanSegment(Instant from, Instant to, PlanTerms plan) {
            this(from, to, plan, null);
        }
    }

    /**
     * Usage of a closed period, per plan segment of that period: {@code billed} is what earlier invoices already
     * charged (recorded before the previous close), {@code now} includes what was recorded since (the same
     * segments, each with its usage). The line charges the difference.
     *
     * <p>
     * {@code periodCurrency} is null when the closed period billed in the invoice's currency. When a currency switch
     * lies between (the closed period billed in {@code periodCurrency.from()}), the segments are priced in that
     * period's own currency — its plan prices, its cost converted at its rate — and the marginal charge converts
     * into the invoice's currency through the rate recorded for the closed period (billing-rules "Invoices" rule 7).
     */
    public record LateUsage(Instant periodStart, Instant periodEnd, List<PlanSegment> billed, List<PlanSegment> now,
            io.accrue.invoice.fx.CostConversion periodCurrency) {

        public LateUsage {
            billed = List.copyOf(billed);
            now = List.copyOf(now);
        }

        public LateUsage(Instant periodStart, Instant periodEnd, List<PlanSegment> billed, List<PlanSegment> now) {
            this(periodStart, periodEnd, billed, now, null);
        }

        /** A closed period with one plan. */
        public LateUsage(Instant periodStart, Instant periodEnd, PlanTerms plan, UsageTotals billed, UsageTotals now) {
            this(periodStart, periodEnd, List.of(new PlanSegment(periodStart, periodEnd, plan, billed)),
                    List.of(new PlanSegment(periodStart, periodEnd, plan, now)));
        }

        public long tokensRecordedSince() {
            return tokens(now) - tokens(billed);
        }

        private static long tokens(List<PlanSegment> segments) {
            return segments.stream().mapToLong(s -> s.usage() == null ? 0 : s.usage().totalTokens()).sum();
        }
    }
}
