package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.accrue.invoice.compute.CorrectionEffect.Window;

/**
 * The whole effect of a late timeline change that makes an invoiced period cost MORE (billing-rules "Invoices" rule
 * 12a), pure; the mirror of {@link CorrectionEffect}.
 *
 * <p>
 * The change raises the period's base fee by {@code increase}. Recorded on time, that higher base fee would have
 * counted toward every contract minimum whose window the invoice belongs to, so a settled window (its last invoice
 * issued) would have needed a smaller top-up: each such window is recomputed, shortest first — its charges raised
 * by the increase, lowered by what the shorter minimums before it no longer top up (a monthly top-up counts toward
 * a quarterly minimum, rule 8a) — and what it was topped up beyond what it now owes is taken off. What is debited is
 * the net difference, {@code increase − Σ lowered top-ups}, never below 0. A window not settled yet needs nothing
 * here: its own last invoice tops it up from the corrected charges.
 */
public final class DebitEffect {

    private DebitEffect() {
    }

    /** Per window, what the correction takes off its top-up (only those above 0). */
    public record Lowered(String period, BigDecimal amount) {}

    /**
     * @param increase what the base fee now owes beyond what was billed (after rounding, ≥ 0)
     * @param debit what the supplementary invoice charges: increase − Σ lowered
     */
    public record Effect(BigDecimal increase, List<Lowered> lowered, BigDecimal debit) {}

    public static Effect of(BigDecimal increase, List<Window> windows, String currency) {
        if (increase.signum() <= 0) {
            return new Effect(BigDecimal.ZERO, List.of(), BigDecimal.ZERO);
        }
        BigDecimal delta = increase; // the change in what the windows charge
        List<Lowered> lowered = new ArrayList<>();
        for (Window w : windows.stream().sorted(Comparator.comparingInt(Window::months)).toList()) {
            if (!w.settled()) {
                continue;
            }
            BigDecimal owed = Rounding.toMinorUnit(w.minimum().subtract(w.charged().add(delta)).max(BigDecimal.ZERO),
                    currency);
            BigDecimal less = w.toppedUp().subtract(owed).max(BigDecimal.ZERO);
            less = less.min(delta.max(BigDecimal.ZERO)); // never more than the increase raised its charges
            if (less.signum() > 0) {
                lowered.add(new Lowered(w.period(), less));
                delta = delta.subtract(less);
            }
        }
        // delta = increase − Σ lowered; a window never gives back more than the increase raised its charges
        return new Effect(increase, List.copyOf(lowered), delta.max(BigDecimal.ZERO));
    }
}
