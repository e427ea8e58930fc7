package io.accrue.invoice.fx;

import java.time.LocalDate;

/**
 * A close that must convert an amount and finds no rate for it (docs/billing-rules.md, "Currencies"). It fails
 * that close, visibly and with a stable cause code: it is never billed unconverted, at a guessed rate or at zero.
 * The close is retried once an operator records the rate.
 */
public class MissingExchangeRate extends RuntimeException {

    public static final String CODE = "exchange_rate_missing";

    private final String from;
    private final String to;
    private final LocalDate day;

    public MissingExchangeRate(String from, String to, LocalDate day, int maxAgeDays) {
        super(CODE + ": no " + from + " to " + to + " exchange rate dated " + day.minusDays(maxAgeDays) + " to " + day
                + " (record one with PUT /v1/exchange-rates/" + from + "/" + to + "/{date} or import the ECB file)");
        this.from = from;
        this.to = to;
        this.day = day;
    }

    /** The stable cause code of the failed close. */
    public String code() {
        return CODE;
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    public LocalDate day() {
        return day;
    }
}
