package io.accrue.invoice.run;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.client.ContractClient;
import io.accrue.invoice.client.ContractRecords;
import io.accrue.invoice.client.SubscriptionRecords.Account;
import io.accrue.invoice.client.SubscriptionRecords.Subscription;
import io.accrue.invoice.compute.ComputedInvoice;
import io.accrue.invoice.compute.ContractTerms;
import io.accrue.invoice.compute.InvoiceCalculator;
import io.accrue.invoice.compute.InvoiceInput;
import io.accrue.invoice.compute.InvoiceInput.LateUsage;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms;
import io.accrue.invoice.compute.Rounding;
import io.accrue.invoice.coupon.CouponLedger;
import io.accrue.invoice.invoices.BillTo;
import io.accrue.invoice.invoices.BillingPeriod;
import io.accrue.invoice.invoices.BillingPeriodRepository;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.accrue.invoice.minimum.MinimumSpendLedger;
import io.accrue.invoice.run.InvoiceWriter.Gathered;
import io.accrue.invoice.run.InvoiceWriter.LateSnapshot;
import io.accrue.invoice.run.Timeline.PlanRef;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Closes the ended, unbilled periods of one account, oldest first, each in three steps: gather its inputs from the
 * neighbours with no transaction open, compute the invoice (pure), then persist it in one short transaction
 * ({@link InvoiceWriter}). The first period that cannot be closed stops the account (periods are invoiced in
 * order): it stays unbilled in the ledger with its cause, and the failure goes to the caller. A crash anywhere
 * leaves either nothing or the whole invoice, and a rerun finds the period invoiced.
 */
@ApplicationScoped
public class AccountCloser {

    /**
     * @param outcome invoiced (at least one new invoice), already_invoiced (every ended period is settled), nothing_due
     *        (no period has ended), waiting (the oldest unbilled period's retry is not due yet)
     * @param invoiceId the newest invoice this close created (or found)
     */
    public record Outcome(String outcome, UUID invoiceId, int invoiced) {}

    /** A close that raced another close of the same account gathers again, at most this often. */
    private static final int REGATHERS = 3;

    private final InputGatherer inputs;
    private final PeriodLedger ledger;
    private final InvoiceWriter writer;
    private final ContractClient contractClient;
    private final BillingPeriodRepository periods;
    private final InvoiceRepository invoices;
    private final InvoiceConfig config;
    private final Clock clock;
    private final MinimumSpendLedger minimums;
    private final CouponLedger coupons;
    private final InvoiceCalculator calculator = new InvoiceCalculator();

    AccountCloser(InputGatherer inputs, PeriodLedger ledger, InvoiceWriter writer, ContractClient contractClient,
            BillingPeriodRepository periods, InvoiceRepository invoices, InvoiceConfig config, Clock clock,
            MinimumSpendLedger minimums, CouponLedger coupons) {
        this.minimums = minimums;
        this.coupons = coupons;
        this.inputs = inputs;
        this.ledger = ledger;
        this.writer = writer;
        this.contractClient = contractClient;
        this.periods = periods;
        this.invoices = invoices;
        this.config = config;
        this.clock = clock;
    }

    /** A billing run's close: every ended period, whatever the ledger's retry schedule says. */
    public Outcome close(String orgId, Instant asOf) {
        return close(orgId, asOf, false);
    }

    /**
     * Must be called with no transaction open.
     *
     * @param onlyWhenDue the ledger's retry: stop at an unbilled period whose next attempt is not due (or that waits
     *        for an operator)
     */
    public Outcome close(String orgId, Instant asOf, boolean onlyWhenDue) {
        Optional<Period> current = Optional.empty();
        try {
            Account account = inputs.account(orgId);
            Subscription subscription = inputs.subscription(orgId);
            List<Period> ended = inputs.ended(account, subscription, asOf, config.ledger().billingSince().orElse(null));
            if (ended.isEmpty()) {
                return new Outcome("nothing_due", null, 0);
            }
            UUID newest = null;
            int invoiced = 0;
            for (BillingPeriod row : ledger.discover(orgId, ended)) {
                Period period = new Period(row.periodStart, row.periodEnd);
                if (row.periodStatus().settled()) {
                    newest = row.invoiceId != null ? row.invoiceId : newest;
                    continue;
                }
                // the retry schedule is the oldest unbilled period's; the ones behind it follow once it is invoiced
                if (onlyWhenDue && invoiced == 0
                        && (row.nextAttemptAt == null || row.nextAttemptAt.isAfter(clock.instant()))) {
                    return new Outcome(invoiced > 0 ? "invoiced" : "waiting", newest, invoiced);
                }
                current = Optional.of(period);
                InvoiceWriter.Written written = closeOne(account, subscription, period, row);
                newest = written.invoiceId() != null ? written.invoiceId() : newest;
                invoiced += written.created() ? 1 : 0;
            }
            return new Outcome(invoiced > 0 ? "invoiced" : "already_invoiced", newest, invoiced);
        } catch (RuntimeException e) {
            ledger.failed(orgId, current, e);
            throw e;
        }
    }

    private InvoiceWriter.Written closeOne(Account account, Subscription subscription, Period period,
            BillingPeriod row) {
        for (int attempt = 1;; attempt++) {
            Gathered gathered = gather(account, subscription, period, row);
            try {
                return writer.persist(gathered);
            } catch (CloseFailure e) {
                if (e.cause() != FailureCause.INPUTS_CHANGED || attempt >= REGATHERS) {
                    throw e;
                }
            }
        }
    }

    /** Reads everything the period's invoice is computed from, computes it, and reserves its credits. */
    Gathered gather(Account account, Subscription subscription, Period period, BillingPeriod row) {
        String orgId = account.orgId();
        Instant now = clock.instant();
        Map<PlanRef, PlanTerms> plans = new HashMap<>();
        List<Timeline.Event> events = inputs.events(orgId, period.end());
        // the currency in effect when the period starts (a switch takes effect at a boundary), from the timeline
        String currency = Timeline.currencyAt(events, period.start())
                .orElse(subscription.currency() != null ? subscription.currency() : account.currency());
        PlanRef current = subscription.plan() == null
                ? null
                : new PlanRef(subscription.plan().slug(), subscription.plan().version());

        // usage priced by the plan in effect when it occurred, one usage read per plan segment
        List<PlanSegment> segments = inputs.segmentsWithUsage(orgId, events, period, current, currency, now, plans,
                p -> billed(p, subscription));
        // the contract in effect when the period starts; one signed during the period applies from its own start,
        // so it is read at the period's last instant when none was in effect at the start
        ContractTerms contract = minimums.fill(orgId, inputs.contract(orgId, period.start())
                .or(() -> inputs.contract(orgId, period.end().minusMillis(1))).orElse(null), period.start());

        List<BillingPeriod> closed = QuarkusTransaction.requiringNew()
                .call(() -> periods.closedBefore(orgId, period.start(), config.lateUsageLookback()));
        List<LateUsage> late = new ArrayList<>();
        List<UUID> lateTouched = new ArrayList<>();
        for (BillingPeriod earlier : closed) {
            Period old = new Period(earlier.periodStart, earlier.periodEnd);
            if (Timeline.segments(events, old, current).isEmpty() || earlier.usageRecordedBefore == null) {
                continue;
            }
            // late usage belongs to the period, and the currency, it occurred in: priced at that period's plans in
            // its currency, and converted through that period's recorded rate when a currency switch lies between
            String oldCurrency = Timeline.currencyAt(events, old.start()).orElse(currency);
            Map<PlanRef, PlanTerms> oldPlans = oldCurrency.equals(currency) ? plans : new HashMap<>();
            List<PlanSegment> billed = inputs.segmentsWithUsage(orgId, events, old, current, oldCurrency,
                    earlier.usageRecordedBefore, oldPlans, p -> billed(p, subscription));
            List<PlanSegment> nowSegments = inputs.segmentsWithUsage(orgId, events, old, current, oldCurrency, now,
                    oldPlans, p -> billed(p, subscription));
            if (!billed.equals(nowSegments)) {
                late.add(new LateUsage(old.start(), old.end(), billed, nowSegments,
                        oldCurrency.equals(currency)
                                ? null
                                : inputs.periodConversion(oldCurrency, currency, old.end())));
                lateTouched.add(earlier.id);
            }
        }
        LateSnapshot snapshot = LateSnapshot.of(closed);
        BigDecimal drawnBefore = drawnBefore(orgId, contract, period);
        // the coupons redeemed for the period, read like the other inputs (the writer checks them again)
        List<CouponLedger.Active> redeemed = QuarkusTransaction.requiringNew()
                .call(() -> coupons.activeFor(orgId, period.start(), period.end()));

        ComputedInvoice computed = compute(currency, period, segments, contract, drawnBefore, late, redeemed);
        ComputedInvoice reserved = reserveCredits(orgId, period, row, contract, computed,
                c -> compute(currency, period, segments, c, drawnBefore, late, redeemed));
        boolean onStripe = account.stripeCustomerId() != null && !account.stripeCustomerId().isBlank();
        return new Gathered(orgId, period, now, reserved, contract, lateTouched, snapshot, drawnBefore,
                onStripe ? account.stripeCustomerId() : null, BillTo.of(account), redeemed);
    }

    /**
     * Prepaid credits are reserved at contract-service before the invoice is final: the close asks for what the
     * invoice could pay with credits, contract-service holds as much as its balance (which already leaves out every
     * other held reservation) allows, and the invoice applies exactly that. A retried close resizes its own
     * reservation (one per account-period), so Σ applied ≤ Σ granted over any sequence of closes and outages.
     */
    private ComputedInvoice reserveCredits(String orgId, Period period, BillingPeriod row, ContractTerms contract,
            ComputedInvoice computed, java.util.function.Function<ContractTerms, ComputedInvoice> recompute) {
        if (contract == null) {
            return computed;
        }
        boolean reservedBefore = contract.contractId().equals(row.creditReservationContractId);
        boolean wantsCredits = contract.prepaidCreditBalance().signum() > 0 && computed.subtotal().signum() > 0;
        if (!wantsCredits && !reservedBefore) {
            return computed;
        }
        ledger.noteReservation(row, contract.contractId());
        var reservation = contractClient.reserveCredits(orgId, contract.contractId(),
                ContractRecords.reservationReference(period.start(), period.end()),
                Rounding.present(computed.subtotal().max(BigDecimal.ZERO), computed.currency()));
        BigDecimal held = reservation.amount() == null || reservation.amount().amount() == null
                ? BigDecimal.ZERO
                : reservation.amount().amount();
        return recompute.apply(new ContractTerms(contract.contractId(), contract.version(), contract.currency(),
                contract.commitment(), contract.rates(), held, contract.minimums()));
    }

    private ComputedInvoice compute(String currency, Period period, List<PlanSegment> segments,
            ContractTerms contract, BigDecimal drawnBefore, List<LateUsage> late, List<CouponLedger.Active> redeemed) {
        return calculator.compute(new InvoiceInput(currency, period.start(), period.end(), segments, null,
                config.llmMarkup(), contract, drawnBefore, late, CouponLedger.applied(redeemed)));
    }

    BigDecimal drawnBefore(String orgId, ContractTerms contract, Period period) {
        if (contract == null || contract.commitment() == null) {
            return BigDecimal.ZERO;
        }
        return QuarkusTransaction.requiringNew().call(() -> invoices.drawnFromCommitment(orgId,
                contract.contractId(), contract.commitment().periodStart(), period.start()));
    }

    /** The plan as Accrue bills it: without the tokens Stripe meters for accounts in metered billing mode. */
    private static PlanTerms billed(PlanTerms plan, Subscription subscription) {
        return subscription.tokensMeteredByStripe() ? plan.withoutTokenCharges() : plan;
    }
}
