package io.accrue.contract.money;

/** How committed spend is measured: over the whole term, or per year, quarter or month of the term. */
public enum CommitmentPeriod {
    WHOLE_TERM(0), ANNUAL(12), QUARTERLY(3), MONTHLY(1);

    private final int months;

    CommitmentPeriod(int months) {
        this.months = months;
    }

    /** Length in months, 0 for the whole term. */
    public int months() {
        return months;
    }

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static CommitmentPeriod of(String json) {
        return valueOf(json.toUpperCase(java.util.Locale.ROOT));
    }
}
