package io.accrue.invoice.run;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.compute.ComputedInvoice;
import io.accrue.invoice.compute.ComputedLine;
import io.accrue.invoice.compute.ContractTerms;
import io.accrue.invoice.coupon.CouponLedger;
import io.accrue.invoice.invoices.BillTo;
import io.accrue.invoice.invoices.BillingPeriod;
import io.accrue.invoice.invoices.BillingPeriodRepository;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceLifecycle;
import io.accrue.invoice.invoices.InvoiceLine;
import io.accrue.invoice.invoices.InvoiceLineRepository;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.accrue.invoice.invoices.InvoiceStatus;
import io.accrue.invoice.invoices.PeriodStatus;
import io.accrue.invoice.minimum.MinimumSpendLedger;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.invoice.outbox.OutboxRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The persist step of a period close: one short transaction that only writes (no neighbour is called in it). It
 * takes the account's close lock, checks that what the close gathered still holds (the period unbilled, the ones
 * before it settled, late usage, commitment drawn and each minimum window's spend as they were read — a timeline
 * correction takes the same lock, so one that committed in between is seen here), then writes the invoice, its lines, the
 * gapless number, the ledger's row and the outbox entries together. Anything that fails rolls all of it back.
 */
@ApplicationScoped
public class InvoiceWriter {

    /**
     * What a close gathered and computed, ready to be written.
     *
     * @param coupons the coupon redemptions active for the period as the close read them, in the order the
     *        invoice's discounts follow
     */
    public record Gathered(String orgId, Period period, Instant usageRecordedBefore, ComputedInvoice computed,
            ContractTerms contract, List<UUID> lateTouched, LateSnapshot lateSnapshot, BigDecimal drawnBefore,
            String stripeCustomerId, BillTo billTo, List<CouponLedger.Active> coupons) {}

    /** The invoiced periods late usage was looked for in, as they were read: a concurrent close changes them. */
    public record LateSnapshot(List<String> rows) {
        static LateSnapshot of(List<BillingPeriod> closed) {
            return new LateSnapshot(closed.stream().map(p -> p.id + "@" + p.usageRecordedBefore).toList());
        }
    }

    /** @param created false when the period was found invoiced already (an earlier run, a concurrent close) */
    public record Written(UUID invoiceId, boolean created) {}

    private final InvoiceRepository invoices;
    private final InvoiceLineRepository lines;
    private final BillingPeriodRepository periods;
    private final InvoiceLifecycle lifecycle;
    private final OutboxRepository outbox;
    private final InvoiceConfig config;
    private final MinimumSpendLedger minimums;
    private final CouponLedger coupons;

    InvoiceWriter(InvoiceRepository invoices, InvoiceLineRepository lines, BillingPeriodRepository periods,
            InvoiceLifecycle lifecycle, OutboxRepository outbox, InvoiceConfig config, MinimumSpendLedger minimums,
            CouponLedger coupons) {
        this.minimums = minimums;
        this.coupons = coupons;
        this.invoices = invoices;
        this.lines = lines;
        this.periods = periods;
        this.lifecycle = lifecycle;
        this.outbox = outbox;
        this.config = config;
    }

    public Written persist(Gathered g) {
        return QuarkusTransaction.requiringNew().call(() -> write(g));
    }

    private Written write(Gathered g) {
        String orgId = g.orgId();
        Period period = g.period();
        // one close of an account commits at a time; the checks below then see every earlier commit
        invoices.getEntityManager()
                .createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(?1))) AS locked")
                .setParameter(1, "accrue-close:" + orgId).getSingleResult();
        BillingPeriod row = periods.lock(orgId, period.start(), period.end()).orElseThrow(
                () -> new IllegalStateException("period " + period + " of " + orgId + " is not in the ledger"));
        if (row.periodStatus() != PeriodStatus.UNBILLED) {
            return new Written(row.invoiceId, false);
        }
        if (periods.unbilledBefore(orgId, period.start())) {
            throw new CloseFailure(FailureCause.WAITING_FOR_EARLIER_PERIOD,
                    "an earlier period of the account is unbilled");
        }
        List<BillingPeriod> closedNow = periods.closedBefore(orgId, period.start(), config.lateUsageLookback());
        BigDecimal drawnNow = g.contract() == null || g.contract().commitment() == null
                ? BigDecimal.ZERO
                : invoices.drawnFromCommitment(orgId, g.contract().contractId(),
                        g.contract().commitment().periodStart(), period.start());
        if (!LateSnapshot.of(closedNow).equals(g.lateSnapshot()) || drawnNow.compareTo(g.drawnBefore()) != 0) {
            throw new CloseFailure(FailureCause.INPUTS_CHANGED,
                    "another close of the account committed while this one gathered its inputs");
        }
        if (minimumSpendChanged(g)) {
            // a timeline correction lowered (or a close raised) what the window's earlier invoices charge: the
            // top-up computed from the old figure would be wrong, so the close gathers again
            throw new CloseFailure(FailureCause.INPUTS_CHANGED,
                    "a correction or close changed a minimum-spend window's charges while this close gathered");
        }
        if (coupons.changed(orgId, period.start(), period.end(), g.coupons())) {
            // a redemption made (or a period's use recorded) while this close gathered: discount what holds now
            throw new CloseFailure(FailureCause.INPUTS_CHANGED,
                    "the organisation's coupon redemptions changed while this close gathered");
        }
        Optional<Invoice> existing = invoices.findForPeriod(orgId, period.start(), period.end());
        Instant now = g.usageRecordedBefore();
        if (existing.isPresent()) {
            // invoiced before the ledger existed: the ledger learns it
            markInvoiced(row, existing.get().id, now);
            return new Written(existing.get().id, false);
        }
        ComputedInvoice computed = g.computed();
        Invoice invoice = persistInvoice(orgId, period, computed, g.contract(), now);
        markInvoiced(row, invoice.id, now);
        // each redemption's use of this period, with the invoice: a rerun finds the period invoiced and records none
        coupons.record(invoice.id, period.start(), period.end(), g.coupons(), computed.couponDiscounts());
        for (UUID touched : g.lateTouched()) {
            periods.findById(touched).usageRecordedBefore = now;
        }
        invoice.stripeCustomerId = g.stripeCustomerId();
        invoice.recordBillTo(g.billTo());
        lifecycle.finalise(invoice, g.stripeCustomerId() != null);
        if (g.contract() != null
                && (computed.commitmentDrawdown().signum() != 0 || computed.creditsApplied().signum() != 0)) {
            outbox.enqueue(OutboxEntry.CONTRACT_DRAWDOWN, invoice.id, "accrue-drawdown-" + invoice.id, now);
        }
        invoices.flush();
        return new Written(invoice.id, true);
    }

    private boolean minimumSpendChanged(Gathered g) {
        if (g.contract() == null) {
            return false;
        }
        return g.contract().minimums().stream().anyMatch(m -> minimums
                .spentBefore(g.orgId(), g.contract().contractId(), m, g.period().start())
                .compareTo(m.spentBefore()) != 0);
    }

    private static void markInvoiced(BillingPeriod row, UUID invoiceId, Instant now) {
        row.status = PeriodStatus.INVOICED;
        row.invoiceId = invoiceId;
        row.closedAt = now;
        row.usageRecordedBefore = now;
        row.nextAttemptAt = null;
    }

    private Invoice persistInvoice(String orgId, Period period, ComputedInvoice computed, ContractTerms contract,
            Instant now) {
        Invoice invoice = new Invoice();
        invoice.id = UUID.randomUUID();
        invoice.orgId = orgId;
        invoice.kind = Invoice.KIND_INVOICE;
        invoice.status = InvoiceStatus.DRAFT;
        invoice.series = InvoiceLifecycle.SERIES_INVOICE;
        invoice.periodStart = period.start();
        invoice.periodEnd = period.end();
        invoice.currency = computed.currency();
        invoice.subtotal = computed.subtotal();
        invoice.total = computed.total();
        invoice.lineCount = computed.lines().size();
        invoice.contractId = contract == null ? null : contract.contractId();
        invoice.commitmentDrawdown = computed.commitmentDrawdown();
        invoice.creditsApplied = computed.creditsApplied();
        invoice.createdAt = now;
        invoice.statusChangedAt = now;
        invoices.persist(invoice);
        // the unique index on (org, period) refuses a concurrent twin here, before any line is written
        invoices.flush();
        int position = 1;
        for (ComputedLine l : computed.lines()) {
            lines.persist(line(invoice.id, position++, l));
        }
        return invoice;
    }

    static InvoiceLine line(UUID invoiceId, int position, ComputedLine l) {
        InvoiceLine line = new InvoiceLine();
        line.id = UUID.randomUUID();
        line.invoiceId = invoiceId;
        line.position = position;
        line.type = l.type().wire();
        line.description = l.description().length() > 500 ? l.description().substring(0, 500) : l.description();
        line.meter = l.meter();
        line.model = l.model();
        line.quantity = l.quantity();
        line.unitAmount = l.unitAmount();
        line.amount = l.amount();
        line.periodStart = l.periodStart();
        line.periodEnd = l.periodEnd();
        line.dimensions = l.dimensions().stream().map(d -> Map.of("dimension", d.dimension(), "kind", d.kind(),
                "quantity", String.valueOf(d.quantity()), "cost", d.cost().toPlainString(),
                "amount", d.amount().toPlainString())).toList();
        if (l.fx() != null) {
            line.fxFromCurrency = l.fx().rate().from();
            line.fxOriginalAmount = l.fx().original() == null
                    ? null
                    : l.fx().original().setScale(12, java.math.RoundingMode.HALF_UP);
            line.fxRate = l.fx().rate().rate();
            line.fxRateDate = l.fx().rate().date();
            line.fxSource = l.fx().rate().source();
        }
        return line;
    }
}
