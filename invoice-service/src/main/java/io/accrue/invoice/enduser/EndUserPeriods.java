package io.accrue.invoice.enduser;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * Which periods an organisation may invoice its end users for (docs/billing-rules.md, "Invoices", rule 13): only
 * its own billing periods — a calendar month (or year, by the plan's interval) in the account's time zone — that
 * have ended and that began no earlier than the billing period in which the account was created. Pure; the
 * overlap with periods already invoiced is checked against the database by {@link EndUserInvoiceService}.
 */
public final class EndUserPeriods {

    private EndUserPeriods() {
    }

    /** A refusal: the stable code and a sentence for people. */
    public record Refusal(String code, String detail) {}

    public static Optional<Refusal> check(Instant start, Instant end, Instant now, ZoneId zone, String interval,
            Instant accountCreatedAt) {
        if (!start.isBefore(end) || end.isAfter(now)) {
            return Optional
                    .of(new Refusal("period_invalid", "The period must be [start, end) with end not after now."));
        }
        boolean yearly = "year".equals(interval);
        if (accountCreatedAt != null && start.isBefore(periodStart(accountCreatedAt, zone, yearly))) {
            return Optional.of(new Refusal("period_before_account", "The period starts before the organisation's "
                    + "first billing period (" + periodStart(accountCreatedAt, zone, yearly)
                    + "); nothing was invoiced."));
        }
        Instant aligned = periodStart(start, zone, yearly);
        Instant alignedEnd = (yearly ? aligned.atZone(zone).plusYears(1) : aligned.atZone(zone).plusMonths(1))
                .toInstant();
        if (!aligned.equals(start) || !alignedEnd.equals(end)) {
            return Optional.of(new Refusal("period_not_billing_period", "The organisation bills by calendar "
                    + (yearly ? "year" : "month") + " in " + zone + "; the billing period containing " + start
                    + " is [" + aligned + ", " + alignedEnd + ")."));
        }
        return Optional.empty();
    }

    private static Instant periodStart(Instant at, ZoneId zone, boolean yearly) {
        ZonedDateTime local = at.atZone(zone).truncatedTo(ChronoUnit.DAYS);
        return (yearly
                ? local.with(TemporalAdjusters.firstDayOfYear())
                : local.with(TemporalAdjusters
                        .firstDayOfMonth()))
                .toInstant();
    }
}
