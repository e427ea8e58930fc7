package io.accrue.contract.money;

import java.math.BigDecimal;

/** Stored amounts carry 12 decimal places (numeric(24,12)); normalise on write so answers read the same. */
public final class Amounts {

    public static final int SCALE = 12;

    private Amounts() {
    }

    /** Exact: bean validation already limits inputs to 12 fraction digits. */
    public static BigDecimal stored(BigDecimal amount) {
        return amount == null ? null : amount.setScale(SCALE);
    }
}
