package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.accrue.invoice.compute.ComputedLine.LineType;

/**
 * A finalised invoice never changes: a correction is a credit note whose lines refund (part of) original lines.
 * A line can be credited at most down to zero over all its credit notes together.
 */
public final class CreditNotes {

    private CreditNotes() {
    }

    /**
     * How a credit note's amount is paid back: {@code money} refunded, {@code credits} returned to the prepaid
     * balance at contract-service.
     */
    public record Split(BigDecimal money, BigDecimal credits) {}

    /**
     * Over all credit notes of an invoice, money refunded never exceeds what was paid in money (the invoice's
     * total) and credits returned never exceed the credits it applied. Money is given back first; what the invoice
     * paid with prepaid credits goes back to the balance, never out as money that was never paid.
     *
     * @param credited the note's amount (positive), what its lines take off the invoice
     * @param moneyLeft the invoice's total minus what earlier credit notes refunded
     * @param creditsLeft the credits the invoice applied minus what earlier credit notes returned
     */
    public static Split split(BigDecimal credited, BigDecimal moneyLeft, BigDecimal creditsLeft) {
        BigDecimal money = credited.min(moneyLeft.max(BigDecimal.ZERO));
        BigDecimal credits = credited.subtract(money);
        if (credits.compareTo(creditsLeft.max(BigDecimal.ZERO)) > 0) {
            throw new IllegalArgumentException("the credit note would give back " + credited.toPlainString()
                    + ", more than is left of what the invoice billed (" + moneyLeft.add(creditsLeft).toPlainString()
                    + ")");
        }
        return new Split(money, credits);
    }

    /**
     * The commitment consumption a credit note gives back: what it credits of the lines that drew the commitment
     * down (usage, overage, late usage: everything the drawdown counts, billing-rules "Invoices" rule 8; never the
     * base fee, a true-up, a minimum top-up or prepaid credits), at most what is left of the invoice's drawdown.
     *
     * @param typeByPosition the original invoice's line types by position
     * @param positions the credited positions, in the order of {@code creditLines}
     * @param creditLines the note's credit lines (negative), one per position
     * @param drawdownLeft the invoice's commitment drawdown less what earlier notes returned of it
     */
    public static BigDecimal consumptionReturned(Map<Integer, String> typeByPosition, List<Integer> positions,
            List<ComputedLine> creditLines, BigDecimal drawdownLeft) {
        if (drawdownLeft.signum() <= 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal usage = BigDecimal.ZERO;
        for (int i = 0; i < positions.size() && i < creditLines.size(); i++) {
            String type = typeByPosition.get(positions.get(i));
            if (CONSUMPTION.contains(type)) {
                usage = usage.add(creditLines.get(i).amount().negate());
            }
        }
        return usage.max(BigDecimal.ZERO).min(drawdownLeft);
    }

    private static final java.util.Set<String> CONSUMPTION = java.util.Set.of(LineType.OVERAGE.wire(),
            LineType.LLM_USAGE.wire(), LineType.LATE_USAGE.wire());

    /** One original line: its position, description, rounded amount and what earlier credit notes refunded. */
    public record Original(int position, String description, BigDecimal amount, BigDecimal alreadyCredited) {
        BigDecimal creditable() {
            return amount.subtract(alreadyCredited);
        }
    }

    /**
     * @param requested per original position, the amount to refund (null = everything still creditable)
     * @return credit lines (negative amounts) in the original currency
     */
    public static List<ComputedLine> credit(List<Original> originals, Map<Integer, BigDecimal> requested,
            String currency, java.time.Instant from, java.time.Instant to) {
        List<ComputedLine> lines = new ArrayList<>();
        for (Map.Entry<Integer, BigDecimal> e : requested.entrySet()) {
            Original o = originals.stream().filter(x -> x.position() == e.getKey()).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no line " + e.getKey()));
            BigDecimal amount = e.getValue() == null ? o.creditable() : e.getValue();
            if (amount.signum() <= 0) {
                throw new IllegalArgumentException("line " + o.position() + ": the credit must be positive");
            }
            if (amount.scale() > Rounding.minorUnit(currency)
                    && amount.stripTrailingZeros().scale() > Rounding.minorUnit(currency)) {
                throw new IllegalArgumentException(
                        "line " + o.position() + ": more decimals than " + currency + " has");
            }
            if (amount.compareTo(o.creditable()) > 0) {
                throw new IllegalArgumentException(
                        "line " + o.position() + ": at most " + o.creditable().toPlainString()
                                + " can still be credited");
            }
            BigDecimal rounded = Rounding.toMinorUnit(amount, currency).negate();
            lines.add(new ComputedLine(LineType.CREDIT_NOTE, "Credit for line " + o.position() + ": " + o.description(),
                    null, null, BigDecimal.ONE, rounded, rounded, from, to));
        }
        return lines;
    }
}
