package io.accrue.invoice.correction;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords.SubscriptionEvent;
import io.accrue.invoice.compute.ComputedLine;
import io.accrue.invoice.compute.ComputedLine.LineType;
import io.accrue.invoice.compute.ContractTerms;
import io.accrue.invoice.compute.ContractTerms.MinimumSpend;
import io.accrue.invoice.compute.CorrectionEffect;
import io.accrue.invoice.compute.CreditNotes;
import io.accrue.invoice.compute.DebitEffect;
import io.accrue.invoice.compute.InvoiceCalculator;
import io.accrue.invoice.compute.InvoiceInput;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms;
import io.accrue.invoice.compute.TimelineCorrection;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceCommands;
import io.accrue.invoice.invoices.InvoiceCommands.CreditLine;
import io.accrue.invoice.invoices.InvoiceCommands.CreditNoteRequest;
import io.accrue.invoice.invoices.InvoiceLine;
import io.accrue.invoice.invoices.InvoiceLineRepository;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.accrue.invoice.invoices.InvoiceStatus;
import io.accrue.invoice.invoices.SupplementaryInvoices;
import io.accrue.invoice.invoices.SupplementaryInvoices.Charge;
import io.accrue.invoice.minimum.MinimumSpendLedger;
import io.accrue.invoice.run.InputGatherer;
import io.accrue.invoice.run.Period;
import io.accrue.invoice.run.Timeline;
import io.accrue.invoice.run.Timeline.PlanRef;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Corrects invoices whose period the subscription timeline changed after they were issued (billing-rules "Invoices"
 * rule 12a): a status or plan change recorded late (a cancellation caught up by dunning, a late webhook, a late
 * upgrade or reactivation) that is effective inside an invoiced period. The period's base fee is recomputed from
 * today's timeline.
 * <ul>
 * <li>It owes less: of what it no longer owes, the part that the lower base fee adds to the minimum top-up of a
 * settled minimum-spend window is kept ({@link CorrectionEffect}), and the rest is given back by a credit note (the
 * existing credit-note machinery, {@link InvoiceCommands#creditNote}).</li>
 * <li>It owes more: of the increase, the part that the higher base fee takes off the minimum top-up of a settled
 * window is not charged again ({@link DebitEffect}), and the rest is charged by one supplementary invoice
 * ({@link SupplementaryInvoices}), once per invoice and set of late events.</li>
 * </ul>
 *
 * <p>
 * Triggered by the billing run for each account after its close, in three steps like the close: <b>gather</b> (the
 * neighbours — timeline, plans, contract — with no transaction open, then the invoice's own ledger in a short read),
 * <b>compute</b> (pure: {@link #decide}), <b>write</b> (one short transaction that takes the account's close lock
 * and the invoice's, reads the ledger again and writes only if it is what was computed from; otherwise another
 * writer got there first and the correction gathers again). Reruns and concurrent runs therefore issue each
 * correction once.
 */
@ApplicationScoped
public class TimelineCorrections {

    private static final Instant BEGINNING = Instant.parse("2000-01-01T00:00:00Z");
    private static final int ATTEMPTS = 3;

    private record Candidate(UUID id, Instant start, Instant end, String currency, Instant createdAt,
            String contractId) {}

    /** What the neighbours say about one invoiced period, read with no transaction open. */
    private record Gathered(String orgId, Candidate invoice, BigDecimal owedNow, List<MinimumSpend> minimums,
            String basis, String eventsKey) {}

    /** A base-fee line of the invoice or of one of its supplementary invoices, with what was credited of it. */
    private record BaseFeeLine(UUID invoiceId, CreditNotes.Original line) {}

    /**
     * The invoice's own ledger: its base-fee lines with what credit notes refunded of each, the base-fee lines of its
     * supplementary invoices (what increases charged, credited like the invoice's own), what earlier corrections
     * changed of the base fee, whether this increase is recorded, and its minimum windows as they stand.
     */
    private record Ledger(boolean voided, List<CreditNotes.Original> baseFee, List<BaseFeeLine> supplementBaseFee,
            BigDecimal absorbed, BigDecimal netReduction, boolean increaseRecorded,
            List<CorrectionEffect.Window> windows) {}

    /**
     * What to write: a credit (per invoice credited — the invoice or a supplementary one — per base-fee line) or an
     * increase; {@code none} when the invoice is right.
     */
    private record Decision(BigDecimal reduction, CorrectionEffect.Effect credit,
            Map<UUID, Map<Integer, BigDecimal>> creditLines, DebitEffect.Effect debit) {

        static final Decision NONE = new Decision(BigDecimal.ZERO, null, Map.of(), null);

        boolean none() {
            return credit == null && debit == null;
        }
    }

    private final InvoiceRepository invoices;
    private final InvoiceLineRepository lines;
    private final InvoiceCommands commands;
    private final SupplementaryInvoices supplements;
    private final TimelineCorrectionRepository corrections;
    private final SubscriptionClient subscriptionClient;
    private final InputGatherer inputs;
    private final InvoiceConfig config;
    private final Clock clock;
    private final MinimumSpendLedger minimumLedger;
    private final InvoiceCalculator calculator = new InvoiceCalculator();

    TimelineCorrections(InvoiceRepository invoices, InvoiceLineRepository lines, InvoiceCommands commands,
            SupplementaryInvoices supplements, TimelineCorrectionRepository corrections,
            SubscriptionClient subscriptionClient, InputGatherer inputs, MinimumSpendLedger minimumLedger,
            InvoiceConfig config, Clock clock) {
        this.minimumLedger = minimumLedger;
        this.invoices = invoices;
        this.lines = lines;
        this.commands = commands;
        this.supplements = supplements;
        this.corrections = corrections;
        this.subscriptionClient = subscriptionClient;
        this.inputs = inputs;
        this.config = config;
        this.clock = clock;
    }

    /** Issues the corrections due for one organisation's recent invoices; returns how many were recorded. */
    public int correct(String orgId) {
        List<Candidate> recent = QuarkusTransaction.requiringNew().call(() -> invoices
                .find("orgId = ?1 and kind = ?2 and status not in ?3 order by periodEnd desc", orgId,
                        Invoice.KIND_INVOICE, List.of(InvoiceStatus.DRAFT, InvoiceStatus.VOID))
                .page(0, Math.max(1, config.lateUsageLookback())).list().stream()
                .map(i -> new Candidate(i.id, i.periodStart, i.periodEnd, i.currency, i.createdAt, i.contractId))
                .toList());
        if (recent.isEmpty()) {
            return 0;
        }
        Instant to = recent.get(0).end();
        List<SubscriptionEvent> raw = subscriptionClient.events(orgId, BEGINNING, to);
        List<Timeline.Event> events = InputGatherer.timeline(raw);
        Map<PlanRef, PlanTerms> plans = new HashMap<>();
        int issued = 0;
        for (Candidate c : recent) {
            // a status change or a plan change (an upgrade, a downgrade) recorded after the invoice, effective in it
            List<SubscriptionEvent> late = raw.stream().filter(e -> (e.toStatus() != null || e.planSlug() != null)
                    && e.occurredAt() != null && e.occurredAt().isAfter(c.createdAt())
                    && InputGatherer.effective(e).isBefore(c.end())).toList();
            if (late.isEmpty()) {
                continue;
            }
            Period period = new Period(c.start(), c.end());
            List<PlanSegment> segments = new ArrayList<>();
            for (Timeline.Segment s : Timeline.segments(events, period, null)) {
                segments.add(new PlanSegment(s.from(), s.to(), inputs.plan(s.plan(), c.currency(), plans)));
            }
            BigDecimal owedNow = calculator.compute(new InvoiceInput(c.currency(), c.start(), c.end(), segments, null,
                    BigDecimal.ZERO, null, BigDecimal.ZERO, List.of())).lines().stream()
                    .filter(l -> l.type() == LineType.BASE_FEE).map(ComputedLine::amount)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            String basis = String.join("; ", late.stream().map(TimelineCorrections::describe).toList());
            // the minimums of the windows the invoice belongs to, read before the transaction like every input
            List<MinimumSpend> minimums = c.contractId() == null
                    ? List.of()
                    : inputs.contract(orgId, c.start()).or(() -> inputs.contract(orgId, c.end().minusMillis(1)))
                            .filter(t -> t.contractId().equals(c.contractId())).map(ContractTerms::minimums)
                            .orElse(List.of()).stream()
                            .filter(m -> !c.start().isBefore(m.windowStart()) && c.start().isBefore(m.windowEnd()))
                            .toList();
            issued += settle(new Gathered(orgId, c, owedNow, minimums, basis, eventsKey(late)));
        }
        return issued;
    }

    /** Compute and write, gathering the ledger again when another writer changed it in between. */
    private int settle(Gathered g) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Ledger before = QuarkusTransaction.requiringNew().call(() -> ledger(g));
            Decision decision = decide(g, before);
            if (decision.none()) {
                return 0;
            }
            Optional<Integer> written = QuarkusTransaction.requiringNew().call(() -> write(g, before, decision));
            if (written.isPresent()) {
                return written.get();
            }
        }
        throw new IllegalStateException("the ledger of invoice " + g.invoice().id() + " kept changing under its "
                + "timeline correction; the next run corrects it");
    }

    private Ledger ledger(Gathered g) {
        UUID invoiceId = g.invoice().id();
        Invoice invoice = invoices.findById(invoiceId);
        if (invoice == null || invoice.status == InvoiceStatus.VOID) {
            return new Ledger(true, List.of(), List.of(), BigDecimal.ZERO, BigDecimal.ZERO, false, List.of());
        }
        List<CreditNotes.Original> baseFee = baseFeeLines(invoiceId);
        // what increases charged is credited like the invoice's own base fee, oldest supplementary invoice first in
        // the list, so that a credit (taken from the end) gives back the latest increase first
        List<BaseFeeLine> supplementBaseFee = new ArrayList<>();
        for (Invoice supplement : invoices.list("correctsInvoiceId = ?1 and kind = ?2 and status <> ?3 "
                + "order by createdAt, number", invoiceId, Invoice.KIND_SUPPLEMENTARY, InvoiceStatus.VOID)) {
            baseFeeLines(supplement.id).forEach(l -> supplementBaseFee.add(new BaseFeeLine(supplement.id, l)));
        }
        List<CorrectionEffect.Window> windows = new ArrayList<>();
        String contractId = g.invoice().contractId();
        for (MinimumSpend m : g.minimums()) {
            windows.add(new CorrectionEffect.Window(m.period(), m.months(), m.amount(),
                    minimumLedger.spentBefore(g.orgId(), contractId, m, m.windowEnd()),
                    minimumLedger.toppedUp(g.orgId(), contractId, m),
                    minimumLedger.settled(g.orgId(), contractId, m)));
        }
        return new Ledger(false, List.copyOf(baseFee), List.copyOf(supplementBaseFee),
                corrections.absorbedOn(invoiceId), corrections.netReductionOn(invoiceId),
                corrections.increaseRecorded(invoiceId, g.eventsKey()), List.copyOf(windows));
    }

    private List<CreditNotes.Original> baseFeeLines(UUID invoiceId) {
        Map<Integer, BigDecimal> refunded = commands.alreadyCredited(invoiceId);
        List<CreditNotes.Original> out = new ArrayList<>();
        for (InvoiceLine l : lines.ofInvoice(invoiceId)) {
            if (l.type.equals(LineType.BASE_FEE.wire()) && l.amount.signum() > 0) {
                out.add(new CreditNotes.Original(l.position, l.description, l.amount,
                        refunded.getOrDefault(l.position, BigDecimal.ZERO)));
            }
        }
        return out;
    }

    /** Pure: what the invoice's base fee owes now against what it bills, and the whole effect of the difference. */
    private static Decision decide(Gathered g, Ledger ledger) {
        if (ledger.voided()) {
            return Decision.NONE;
        }
        String currency = g.invoice().currency();
        // the lines a reduction may credit: the invoice's base fee, then what its supplementary invoices charged; each
        // numbered by its place in this list for the pure split, mapped back to (invoice, position) below
        List<BaseFeeLine> creditable = new ArrayList<>();
        ledger.baseFee().forEach(l -> creditable.add(new BaseFeeLine(g.invoice().id(), l)));
        creditable.addAll(ledger.supplementBaseFee());
        List<CreditNotes.Original> indexed = new ArrayList<>();
        for (int i = 0; i < creditable.size(); i++) {
            CreditNotes.Original l = creditable.get(i).line();
            indexed.add(new CreditNotes.Original(i, l.description(), l.amount(), l.alreadyCredited()));
        }
        // what earlier corrections changed without a credit note counts as billed (kept top-ups) or not (increases);
        // an increase a supplementary invoice charged is billed again by that invoice's base-fee line, listed above
        BigDecimal charged = ledger.supplementBaseFee().stream().map(l -> l.line().amount())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal target = g.owedNow().add(ledger.absorbed()).add(charged);
        BigDecimal reduction = TimelineCorrection.credit(indexed, target).values().stream()
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        if (reduction.signum() > 0) {
            CorrectionEffect.Effect effect = CorrectionEffect.of(reduction, ledger.windows(), currency);
            Map<UUID, Map<Integer, BigDecimal>> credit = new LinkedHashMap<>();
            TimelineCorrection.credit(indexed, target.add(reduction.subtract(effect.credit())))
                    .forEach((i, amount) -> credit.computeIfAbsent(creditable.get(i).invoiceId(),
                            k -> new LinkedHashMap<>()).put(creditable.get(i).line().position(), amount));
            return new Decision(reduction, effect, credit, null);
        }
        // an increase is measured against what the invoice and its corrections billed, not against manual credit
        // notes: an operator's concession is never charged back
        BigDecimal billed = ledger.baseFee().stream().map(CreditNotes.Original::amount)
                .reduce(BigDecimal.ZERO, BigDecimal::add).subtract(ledger.netReduction());
        BigDecimal increase = g.owedNow().subtract(billed);
        if (increase.signum() <= 0 || ledger.increaseRecorded()) {
            return Decision.NONE;
        }
        return new Decision(increase.negate(), null, Map.of(), DebitEffect.of(increase, ledger.windows(), currency));
    }

    private Optional<Integer> write(Gathered g, Ledger before, Decision decision) {
        // one writer of an account's money at a time: closes (which read the window's spend) and corrections
        invoices.getEntityManager()
                .createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(?1))) AS locked")
                .setParameter(1, "accrue-close:" + g.orgId()).getSingleResult();
        // the lock orders concurrent corrections (and manual credit notes): the ledger read below is then current
        Invoice invoice = invoices.findById(g.invoice().id(), LockModeType.PESSIMISTIC_WRITE);
        if (!ledger(g).equals(before)) {
            return Optional.empty(); // another writer changed it since it was gathered: gather again
        }
        return Optional.of(decision.credit() != null
                ? writeCredit(g, invoice, decision)
                : writeIncrease(g, invoice, decision.debit()));
    }

    private int writeCredit(Gathered g, Invoice invoice, Decision decision) {
        CorrectionEffect.Effect effect = decision.credit();
        String why = "timeline changed after invoicing: " + g.basis() + effect.topUps().stream()
                .map(t -> "; " + t.amount().toPlainString() + " kept as " + t.period() + " minimum top-up")
                .collect(java.util.stream.Collectors.joining());
        // one credit note per invoice credited: the invoice itself, and a supplementary invoice whose increase the
        // change takes back (the latest first); the entry names the note on the invoice, or else the first one
        UUID noteId = null;
        BigDecimal credited = BigDecimal.ZERO;
        for (var perInvoice : decision.creditLines().entrySet()) {
            UUID note = commands.creditNote(g.orgId(), perInvoice.getKey().toString(), new CreditNoteRequest(
                    why.length() > 300 ? why.substring(0, 300) : why, perInvoice.getValue().entrySet().stream()
                            .map(e -> new CreditLine(e.getKey(), e.getValue())).toList()))
                    .id();
            if (noteId == null || perInvoice.getKey().equals(invoice.id)) {
                noteId = note;
            }
            credited = credited.add(perInvoice.getValue().values().stream().reduce(BigDecimal.ZERO, BigDecimal::add));
        }
        TimelineCorrectionEntry entry = entry(g, why, decision.reduction());
        entry.creditNoteId = noteId;
        entry.amount = credited;
        corrections.persist(entry);
        corrections.flush();
        for (CorrectionEffect.TopUp t : effect.topUps()) {
            recordTopUp(g, entry, t.period(), t.amount());
        }
        return 1;
    }

    private int writeIncrease(Gathered g, Invoice invoice, DebitEffect.Effect effect) {
        String why = "timeline changed after invoicing: " + g.basis() + effect.lowered().stream()
                .map(t -> "; " + t.amount().toPlainString() + " taken off the " + t.period() + " minimum top-up")
                .collect(java.util.stream.Collectors.joining());
        TimelineCorrectionEntry entry = entry(g, why, effect.increase().negate());
        entry.amount = BigDecimal.ZERO;
        entry.debited = effect.debit();
        entry.eventsKey = g.eventsKey();
        if (effect.debit().signum() > 0) {
            List<Charge> charges = new ArrayList<>();
            charges.add(new Charge(LineType.BASE_FEE, null, "Base fee now owed for this period: " + g.basis(),
                    effect.increase()));
            for (DebitEffect.Lowered l : effect.lowered()) {
                charges.add(new Charge(LineType.MINIMUM_TOP_UP, l.period(),
                        l.period() + " minimum top-up no longer owed: the higher base fee counts toward it",
                        l.amount().negate()));
            }
            entry.supplementaryInvoiceId = supplements.issue(invoice, charges).id;
        }
        // the unique (invoice, events) index refuses a twin that raced past the ledger check
        corrections.persist(entry);
        corrections.flush();
        for (DebitEffect.Lowered l : effect.lowered()) {
            recordTopUp(g, entry, l.period(), l.amount().negate());
        }
        return 1;
    }

    private TimelineCorrectionEntry entry(Gathered g, String why, BigDecimal reduction) {
        TimelineCorrectionEntry entry = new TimelineCorrectionEntry();
        entry.id = UUID.randomUUID();
        entry.orgId = g.orgId();
        entry.invoiceId = g.invoice().id();
        entry.baseFeeReduction = reduction;
        entry.basis = why.length() > 500 ? why.substring(0, 500) : why;
        entry.createdAt = clock.instant();
        return entry;
    }

    private void recordTopUp(Gathered g, TimelineCorrectionEntry entry, String period, BigDecimal amount) {
        MinimumSpend m = g.minimums().stream().filter(x -> x.period().equals(period)).findFirst().orElseThrow();
        corrections.recordTopUp(entry.id, period, m.windowStart(), m.windowEnd(), amount);
    }

    private static String describe(SubscriptionEvent e) {
        String change = e.toStatus() != null
                ? (e.fromStatus() == null ? "" : e.fromStatus() + " → ") + e.toStatus()
                : "plan " + e.planSlug() + (e.planVersion() == null ? "" : " v" + e.planVersion());
        return change + " effective " + InputGatherer.effective(e) + ", recorded " + e.occurredAt();
    }

    /** The identity of a correction: the late events that caused it, in a stable order. */
    static String eventsKey(List<SubscriptionEvent> late) {
        String ids = String.join(",", late.stream()
                .map(e -> e.id() != null ? e.id() : e.occurredAt() + "/" + e.type()).sorted().toList());
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(ids.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
