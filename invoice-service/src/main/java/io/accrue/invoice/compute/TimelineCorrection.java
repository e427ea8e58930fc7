package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.accrue.invoice.compute.CreditNotes.Original;

/**
 * How much of an invoiced base fee a late timeline change (a cancellation recorded after the period was invoiced)
 * gives back, and from which lines. Pure (billing-rules "Invoices" rule 12a).
 *
 * <p>
 * owed now = the base fee of the period recomputed from today's timeline (rounded as an invoice would round it);
 * credit = what the base-fee lines still bill after every credit note so far − owed now. Counting every credit note
 * (an operator's manual one included) means the base fee never ends below what the timeline owes, and a rerun after
 * the correction finds nothing left to credit. Only ever a credit: a late change that would make the period cost more
 * is not billed after the fact. The credit is taken from the base-fee lines, last segment first, never more than a
 * line can still be credited.
 */
public final class TimelineCorrection {

    private TimelineCorrection() {
    }

    /**
     * @param baseFeeLines the invoice's base-fee lines with what credit notes refunded of each so far
     * @param owedNow the period's base fee from today's timeline
     * @return per line position, the amount to credit (empty: nothing to correct)
     */
    public static Map<Integer, BigDecimal> credit(List<Original> baseFeeLines, BigDecimal owedNow) {
        BigDecimal stillBilled = baseFeeLines.stream().map(Original::creditable).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        BigDecimal due = stillBilled.subtract(owedNow);
        Map<Integer, BigDecimal> out = new LinkedHashMap<>();
        for (int i = baseFeeLines.size() - 1; i >= 0 && due.signum() > 0; i--) {
            Original line = baseFeeLines.get(i);
            BigDecimal take = due.min(line.creditable());
            if (take.signum() > 0) {
                out.put(line.position(), take);
                due = due.subtract(take);
            }
        }
        return out;
    }
}
