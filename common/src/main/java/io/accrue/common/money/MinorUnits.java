package io.accrue.common.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * The minor unit of a currency and the one rounding of a money line to it (half-up), for every service. ISO 4217
 * currencies without minor units (JPY: 0) and pseudo-currencies the JDK reports with -1 digits (XAU, XDR) both round
 * to whole units.
 */
public final class MinorUnits {

    private MinorUnits() {
    }

    /** Decimal places of the currency's minor unit: 2 for USD, 0 for JPY, 3 for KWD, 0 where the JDK has none. */
    public static int digits(Currency currency) {
        return Math.max(0, currency.getDefaultFractionDigits());
    }

    public static int digits(String currencyCode) {
        return digits(Currency.getInstance(currencyCode));
    }

    /** The amount rounded once, half-up, to the currency's minor unit. */
    public static BigDecimal round(BigDecimal amount, Currency currency) {
        return amount.setScale(digits(currency), RoundingMode.HALF_UP);
    }

    public static BigDecimal round(BigDecimal amount, String currencyCode) {
        return round(amount, Currency.getInstance(currencyCode));
    }
}
