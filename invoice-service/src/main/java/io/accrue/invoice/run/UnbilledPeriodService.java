package io.accrue.invoice.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.common.error.ApiException;
import io.accrue.invoice.client.ContractClient;
import io.accrue.invoice.client.ContractRecords;
import io.accrue.invoice.client.NeighbourUnavailable;
import io.accrue.invoice.invoices.BillingPeriod;
import io.accrue.invoice.invoices.BillingPeriodRepository;
import io.accrue.invoice.invoices.PeriodStatus;
import io.accrue.invoice.run.RunViews.UnbilledPeriod;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * What operators do with unbilled periods: see them, have one retried now, or write one off with a reason. And the
 * ledger's retry, which the scheduler triggers: every account whose oldest unbilled period is due is closed again.
 */
@ApplicationScoped
public class UnbilledPeriodService {

    private static final Logger LOG = Logger.getLogger(UnbilledPeriodService.class);
    private static final int MAX_LISTED = 500;

    private final BillingPeriodRepository periods;
    private final AccountCloser closer;
    private final ContractClient contractClient;
    private final Clock clock;

    UnbilledPeriodService(BillingPeriodRepository periods, AccountCloser closer, ContractClient contractClient,
            Clock clock) {
        this.periods = periods;
        this.closer = closer;
        this.contractClient = contractClient;
        this.clock = clock;
    }

    public List<UnbilledPeriod> list(String orgId) {
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> periods.allUnbilled(orgId, MAX_LISTED).stream()
                .map(p -> view(p, now)).toList());
    }

    /** Closes again, right away, every account that has an unbilled period due; returns how many it tried. */
    public int retryDue(int maxAccounts) {
        Instant now = clock.instant();
        List<String> orgs = QuarkusTransaction.requiringNew().call(() -> periods.orgsDueForRetry(now, maxAccounts));
        for (String org : orgs) {
            Instant newestEnd = QuarkusTransaction.requiringNew()
                    .call(() -> periods.unbilled(org).stream().map(p -> p.periodEnd).max(Instant::compareTo))
                    .orElse(null);
            if (newestEnd == null) {
                continue;
            }
            try {
                closer.close(org, newestEnd, true);
            } catch (RuntimeException e) {
                LOG.debugf("retry of %s failed again (recorded in the ledger): %s", org, e.getMessage());
            }
        }
        return orgs.size();
    }

    /** Makes the period (and those waiting behind it) due now, also one that waits for an operator. */
    public UnbilledPeriod retryNow(String id) {
        UUID periodId = parse(id);
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            BillingPeriod p = unbilled(periodId);
            periods.unbilled(p.orgId).forEach(u -> u.nextAttemptAt = now);
            return view(p, now);
        });
    }

    /**
     * Settles an unbilled period without an invoice, for a reason an auditor can read (who, when, why are kept on
     * the period and in the billing export). Credits a failed close held for it are released first, so the
     * write-off never leaves prepaid credits locked; if contract-service cannot be reached nothing changes.
     */
    public UnbilledPeriod writeOff(String id, String reason, String actor) {
        UUID periodId = parse(id);
        BillingPeriod before = QuarkusTransaction.requiringNew().call(() -> unbilled(periodId));
        if (before.creditReservationContractId != null) {
            try {
                contractClient.releaseCredits(before.orgId, before.creditReservationContractId,
                        ContractRecords.reservationReference(before.periodStart, before.periodEnd));
            } catch (NeighbourUnavailable e) {
                throw new ApiException(502, "neighbour_unavailable", "Bad gateway",
                        "The credits reserved for this period could not be released (" + e.getMessage()
                                + "); nothing was written off. Try again shortly.");
            }
        }
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            BillingPeriod p = unbilled(periodId);
            if (!p.periodStatus().mayMoveTo(PeriodStatus.WRITTEN_OFF)) {
                throw notUnbilled(p);
            }
            p.status = PeriodStatus.WRITTEN_OFF;
            p.writtenOffAt = now;
            p.writtenOffBy = actor;
            p.writeOffReason = reason.strip();
            p.nextAttemptAt = null;
            // the periods that waited behind it may go on now
            periods.unbilled(p.orgId).forEach(u -> u.nextAttemptAt = now);
            LOG.infof("period %s – %s of %s written off by %s: %s", p.periodStart, p.periodEnd, p.orgId, actor,
                    p.writeOffReason);
            return view(p, now);
        });
    }

    private BillingPeriod unbilled(UUID id) {
        BillingPeriod p = periods.findById(id);
        if (p == null) {
            throw ApiException.notFound("unbilled_period_not_found", "No billing period '" + id + "'.");
        }
        if (p.periodStatus() != PeriodStatus.UNBILLED) {
            throw notUnbilled(p);
        }
        return p;
    }

    private static ApiException notUnbilled(BillingPeriod p) {
        return ApiException.conflict("period_not_unbilled", "The period is " + p.status.wire() + " already.");
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("unbilled_period_not_found", "No billing period '" + id + "'.");
        }
    }

    static UnbilledPeriod view(BillingPeriod p, Instant now) {
        long age = Math.max(0, Duration.between(p.periodEnd, now).toSeconds());
        return new UnbilledPeriod(p.id, p.orgId, p.periodStart, p.periodEnd, p.status.wire(), age, p.attempts, p.cause,
                p.lastError, p.firstSeenAt, p.lastAttemptAt, p.nextAttemptAt, p.nextAttemptAt == null
                        && p.attempts > 0 && !FailureCause.WAITING_FOR_EARLIER_PERIOD.code().equals(p.cause),
                p.writtenOffAt, p.writtenOffBy, p.writeOffReason);
    }
}
