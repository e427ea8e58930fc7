package io.accrue.contract.money;

import java.math.BigDecimal;

/**
 * Prepaid credits: a pool granted by the contract, drawn down by the credits invoice-service applies to
 * invoices. Credits never pay more than the charge they are applied to, and never go below zero.
 */
public final class Credits {

    private Credits() {
    }

    /** Balance left: granted minus applied, floored at zero (an amendment may lower the grant). */
    public static BigDecimal balance(BigDecimal granted, BigDecimal applied) {
        return granted.subtract(applied).max(BigDecimal.ZERO);
    }

    /** What may be applied to a charge: all of it when credits suffice, else the whole balance. */
    public static BigDecimal applicable(BigDecimal balance, BigDecimal charge) {
        return balance.min(charge).max(BigDecimal.ZERO);
    }
}
