package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The whole effect of a late timeline change on an invoiced period (billing-rules "Invoices" rule 12a), pure.
 *
 * <p>
 * The change lowers the period's base fee by {@code reduction}. Recorded on time, that lower base fee would have
 * been topped up by every contract minimum whose window the invoice belongs to: the correction therefore recomputes
 * each minimum of a window that is already settled (its last invoice issued), shortest first — its charges lowered
 * by the reduction, raised by the extra top-ups of the shorter minimums before it (a monthly top-up counts toward a
 * quarterly minimum, rule 8a) — and the top-up the window now owes beyond what it was topped up already is kept
 * instead of credited. What is credited is the net difference, {@code reduction − Σ extra top-ups}, never below 0.
 * A window not settled yet needs nothing here: its own last invoice tops it up from the corrected charges.
 */
public final class CorrectionEffect {

    private CorrectionEffect() {
    }

    /**
     * One minimum's window as it stands before this correction.
     *
     * @param period the minimum's period (monthly, quarterly, annual)
     * @param months its length, for the order
     * @param minimum the window's minimum (prorated for a stub)
     * @param charged what the window's invoices charge toward it, corrections so far included
     * @param toppedUp what the window was topped up so far (its top-up line and earlier corrections' top-ups)
     * @param settled whether the invoice ending the window was issued
     */
    public record Window(String period, int months, BigDecimal minimum, BigDecimal charged, BigDecimal toppedUp,
            boolean settled) {}

    /** Per window, the top-up the correction adds to it (only those above 0). */
    public record TopUp(String period, BigDecimal amount) {}

    /**
     * @param reduction what the base fee no longer owes (after rounding, ≥ 0)
     * @param credit what the correction credits: reduction − Σ top-ups
     */
    public record Effect(BigDecimal reduction, List<TopUp> topUps, BigDecimal credit) {}

    public static Effect of(BigDecimal reduction, List<Window> windows, String currency) {
        if (reduction.signum() <= 0) {
            return new Effect(BigDecimal.ZERO, List.of(), BigDecimal.ZERO);
        }
        BigDecimal delta = reduction.negate(); // the change in what the windows charge
        List<TopUp> topUps = new ArrayList<>();
        for (Window w : windows.stream().sorted(Comparator.comparingInt(Window::months)).toList()) {
            if (!w.settled()) {
                continue;
            }
            BigDecimal owed = Rounding.toMinorUnit(w.minimum().subtract(w.charged().add(delta)).max(BigDecimal.ZERO),
                    currency);
            BigDecimal extra = owed.subtract(w.toppedUp()).max(BigDecimal.ZERO);
            if (extra.signum() > 0) {
                topUps.add(new TopUp(w.period(), extra));
                delta = delta.add(extra);
            }
        }
        // delta = −reduction + Σ top-ups; a top-up never exceeds the reduction that caused it, so the credit is ≥ 0
        return new Effect(reduction, List.copyOf(topUps), delta.negate().max(BigDecimal.ZERO));
    }
}
