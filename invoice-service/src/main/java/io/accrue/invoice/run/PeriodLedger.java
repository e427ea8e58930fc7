package io.accrue.invoice.run;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.common.retry.Backoff;
import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.events.BillingEventOutbox;
import io.accrue.invoice.invoices.BillingPeriod;
import io.accrue.invoice.invoices.BillingPeriodRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The billed-through ledger's bookkeeping, each step in a short transaction of its own (a close holds no transaction
 * while it talks to the neighbours): which ended periods exist, and what went wrong with the unbilled ones.
 */
@ApplicationScoped
public class PeriodLedger {

    private static final Logger LOG = Logger.getLogger(PeriodLedger.class);
    static final String UNBILLED = "billing_period.unbilled";

    private final BillingPeriodRepository periods;
    private final InvoiceConfig config;
    private final BillingEventOutbox events;
    private final Clock clock;
    private final RandomGenerator random = RandomGenerator.getDefault();

    PeriodLedger(BillingPeriodRepository periods, InvoiceConfig config, BillingEventOutbox events, Clock clock) {
        this.periods = periods;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    /** Records every ended period the ledger does not know yet as unbilled, and answers their rows in order. */
    public List<BillingPeriod> discover(String orgId, List<Period> ended) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            ended.forEach(p -> periods.addUnbilledOnce(orgId, p.start(), p.end(), now));
            return ended.stream().map(p -> periods.find(orgId, p.start(), p.end()).orElseThrow()).toList();
        });
    }

    /** Writes down, before asking contract-service, that this period's close may hold credits there. */
    public void noteReservation(BillingPeriod row, String contractId) {
        if (contractId.equals(row.creditReservationContractId)) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            BillingPeriod p = periods.findById(row.id);
            if (p.periodStatus().settled()) {
                return;
            }
            p.creditReservationContractId = contractId;
        });
        row.creditReservationContractId = contractId;
    }

    /**
     * A failed close: the period stays unbilled with its cause and error, and is tried again after a capped, jittered
     * backoff, or, when retrying cannot help (a neighbour's 4xx), when an operator asks. Later unbilled periods of the
     * account wait behind it.
     */
    public void failed(String orgId, Optional<Period> period, Throwable failure) {
        FailureCause cause = FailureCause.of(failure);
        String message = truncate(BillingRunWorker.describe(failure));
        try {
            record(orgId, period, cause, message);
        } catch (RuntimeException e) {
            // a racing close invoiced the period meanwhile (final rows refuse updates): the original failure stands
            LOG.warnf("could not record the failure of %s (%s): %s", orgId, cause.code(), e.getMessage());
        }
    }

    private void record(String orgId, Optional<Period> period, FailureCause cause, String message) {
        QuarkusTransaction.requiringNew().run(() -> {
            List<BillingPeriod> unbilled = periods.unbilled(orgId);
            BillingPeriod row = period.flatMap(p -> unbilled.stream()
                    .filter(u -> u.periodStart.equals(p.start()) && u.periodEnd.equals(p.end())).findFirst())
                    .or(() -> unbilled.stream().findFirst()).orElse(null);
            if (row == null) {
                return; // nothing known to be unbilled (the account itself could not be read): the run item shows it
            }
            Instant now = clock.instant();
            row.attempts++;
            row.cause = cause.code();
            row.lastError = message;
            row.lastAttemptAt = now;
            row.nextAttemptAt = cause.retryable()
                    ? now.plus(new Backoff(config.ledger().retryFirst(), config.ledger().retryMax()).after(row.attempts,
                            random))
                    : null;
            for (BillingPeriod later : unbilled) {
                if (later.periodStart.isAfter(row.periodStart)) {
                    later.cause = FailureCause.WAITING_FOR_EARLIER_PERIOD.code();
                    later.lastError = "waits for " + row.periodStart + " – " + row.periodEnd
                            + " to be invoiced or written off";
                    later.nextAttemptAt = null;
                }
            }
            announce(row, cause, now);
            LOG.warnf("period %s – %s of %s unbilled (%s, attempt %d): %s", row.periodStart, row.periodEnd, orgId,
                    cause.code(), row.attempts, message);
        });
    }

    /**
     * {@code billing_period.unbilled}, once per period and cause (the id is derived from both: the same failure on the
     * next attempt or rerun is no second event, a new cause is). A concurrent close that committed in between
     * ({@code inputs_changed}) is gathered again at once and not announced; the error text stays internal.
     */
    private void announce(BillingPeriod row, FailureCause cause, Instant now) {
        if (cause == FailureCause.INPUTS_CHANGED) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("orgId", row.orgId);
        data.put("periodStart", row.periodStart.toString());
        data.put("periodEnd", row.periodEnd.toString());
        data.put("cause", cause.code());
        data.put("retrying", cause.retryable());
        events.record("bp_" + row.id.toString().replace("-", "") + "_" + cause.code(), row.orgId, UNBILLED, now,
                data);
    }

    static String truncate(String s) {
        return s == null ? null : s.length() > 1000 ? s.substring(0, 1000) : s;
    }
}
