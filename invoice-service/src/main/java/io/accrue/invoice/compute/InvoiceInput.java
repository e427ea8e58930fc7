package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Everything one invoice is computed from; gathered from the neighbours by the billing run.
 *
 * @param segments the subscription timeline cut into the plans that were in effect, in order
 * @param usage usage of the period (by occurred_at, recorded before the close)
 * @param llmMarkup cost-plus markup on provider cost for per-model LLM lines: revenue = cost × (1 + markup)
 * @param contract contract terms in effect at the period start, or null
 * @param commitmentDrawnBefore usage already drawn from the current commitment window by earlier invoices
 * @param late usage of earlier, already closed periods recorded after they were invoiced
 */
public record InvoiceInput(String currency, Instant periodStart, Instant periodEnd, List<PlanSegment> segments,
        UsageTotals usage, BigDecimal llmMarkup, ContractTerms contract, BigDecimal commitmentDrawnBefore,
        List<LateUsage> late) {

    public InvoiceInput {
        segments = List.copyOf(segments);
        late = late == null ? List.of() : List.copyOf(late);
        llmMarkup = llmMarkup == null ? BigDecimal.ZERO : llmMarkup;
        commitmentDrawnBefore = commitmentDrawnBefore == null ? BigDecimal.ZERO : commitmentDrawnBefore;
        usage = usage == null ? UsageTotals.NONE : usage;
    }

    /** A plan in effect over {@code [from, to)}. */
    public record PlanSegment(Instant from, Instant to, PlanTerms plan) {}

    /**
     * Usage of a closed period: {@code billed} is what earlier invoices already charged (recorded before the
     * previous close), {@code now} includes what was recorded since. The line charges the difference.
     */
    public record LateUsage(Instant periodStart, Instant periodEnd, PlanTerms plan, UsageTotals billed,
            UsageTotals now) {}
}
