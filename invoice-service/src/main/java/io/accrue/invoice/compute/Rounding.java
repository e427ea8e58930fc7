package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.math.RoundingMode;

import io.accrue.common.money.MinorUnits;

/**
 * The one place an invoice amount is rounded: to the currency's minor unit (JPY 0, USD 2, BHD 3), half-up, by
 * common's {@link MinorUnits}. An invoice
 * line calls it exactly once; totals are sums of already-rounded lines and are never rounded again.
 */
public final class Rounding {

    private Rounding() {
    }

    public static int minorUnit(String currency) {
        return MinorUnits.digits(currency);
    }

    public static BigDecimal toMinorUnit(BigDecimal amount, String currency) {
        return MinorUnits.round(amount, currency);
    }

    /** Presents a stored, already-rounded amount at its currency's scale; refuses to round silently. */
    public static BigDecimal present(BigDecimal stored, String currency) {
        return stored.setScale(minorUnit(currency), RoundingMode.UNNECESSARY);
    }

    /** A quantity or unit price without storage padding: 1000 stays 1000, 0.003000 becomes 0.003. */
    public static BigDecimal plain(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
