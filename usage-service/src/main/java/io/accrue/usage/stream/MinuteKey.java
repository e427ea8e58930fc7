package io.accrue.usage.stream;

import java.time.Instant;

/**
 * One row of {@code usage_minute_rollups}: an organisation's environment, end user, model and UTC minute — and the
 * currency of the cost summed in it, since amounts of two currencies never add up ({@code XXX}, ISO 4217's "no
 * currency", for unpriced events). An organisation's keys all come from its own partition of the usage log.
 */
record MinuteKey(String org, String env, String endUser, String model, String currency, Instant minute) {

    /** ISO 4217's code for "no currency involved": the currency of unpriced events' zero cost. */
    static final String NO_CURRENCY = "XXX";

    /** The key without its minute: the window store keeps one value per (this, minute). */
    String series() {
        return org + '\u0000' + env + '\u0000' + endUser + '\u0000' + model + '\u0000' + currency;
    }

    static MinuteKey of(String series, Instant minute) {
        String[] p = series.split("\u0000", -1);
        return new MinuteKey(p[0], p[1], p[2], p[3], p[4], minute);
    }
}
