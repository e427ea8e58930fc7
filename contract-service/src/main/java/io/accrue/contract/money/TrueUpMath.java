package io.accrue.contract.money;

import java.math.BigDecimal;
import java.util.Currency;

import io.accrue.common.money.MinorUnits;

/**
 * The shortfall to bill at the end of a commitment window: what was committed and not consumed, never
 * negative (usage beyond the commitment is billed as usage, not credited back). This is an invoice line,
 * so it is rounded here, once, half-up to the currency's minor unit.
 */
public final class TrueUpMath {

    private TrueUpMath() {
    }

    public static BigDecimal shortfall(BigDecimal committed, BigDecimal consumed, Currency currency) {
        BigDecimal gap = committed.subtract(consumed).max(BigDecimal.ZERO);
        return MinorUnits.round(gap, currency);
    }
}
