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
 * credit = invoiced base fee − owed now − what earlier timeline corrections of the same invoice already credited.
 * Only ever a credit: a late change that would make the period cost more is not billed after the fact. The credit is
 * taken from the base-fee lines, last segment first, never more than a line can still be credited.
 */
public final class TimelineCorrection {

    private TimelineCorrection() {
    }

    /**
     * @param baseFeeLines the invoice's base-fee lines with what credit notes refunded of each so far
     * @param owedNow the period's base fee from today's timeline
     * @param correctedBefore credited by earlier timeline corrections of this invoice
     * @return per line position, the amount to credit (empty: nothing to correct)
     */
    public static Map<Integer, BigDecimal> credit(List<Original> baseFeeLines, BigDecimal owedNow,
            BigDecimal correctedBefore) {
        BigDecimal invoiced = baseFeeLines.stream().map(Original::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal due = invoiced.subtract(owedNow).subtract(correctedBefore);
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
