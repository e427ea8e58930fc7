package io.accrue.invoice.invoices;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.invoice.compute.ComputedLine.LineType;

/**
 * Issues the supplementary invoice of a late timeline change that made an invoiced period cost more (billing-rules
 * "Invoices" rule 12a): numbered in the invoice series (the same gapless sequence), addressed like the invoice it
 * supplements, pushed to Stripe through the outbox like any invoice. Its lines say what they correct and name the
 * original invoice. It applies no prepaid credits and draws no commitment: the base fee never draws commitment down
 * (Contracts rule 9) and credits are reserved per account-period by the close only (rule 9), so it is paid in money.
 */
@ApplicationScoped
public class SupplementaryInvoices {

    /** One line of the supplement: the base fee now owed beyond what was billed, or a minimum top-up taken off. */
    public record Charge(LineType type, String meter, String description, BigDecimal amount) {}

    private final InvoiceRepository invoices;
    private final InvoiceLineRepository lines;
    private final InvoiceLifecycle lifecycle;
    private final Clock clock;

    SupplementaryInvoices(InvoiceRepository invoices, InvoiceLineRepository lines, InvoiceLifecycle lifecycle,
            Clock clock) {
        this.invoices = invoices;
        this.lines = lines;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** Inside the correction's write transaction; the caller holds the account's close lock and the original's. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Invoice issue(Invoice original, List<Charge> charges) {
        Instant now = clock.instant();
        BigDecimal sum = charges.stream().map(Charge::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        Invoice invoice = Invoice.correcting(original, Invoice.KIND_SUPPLEMENTARY, InvoiceLifecycle.SERIES_INVOICE, sum,
                charges.size(), now);
        invoice.stripeCustomerId = original.stripeCustomerId;
        invoices.persist(invoice);
        List<InvoiceLine> written = new ArrayList<>();
        int position = 1;
        for (Charge c : charges) {
            InvoiceLine line = new InvoiceLine();
            line.id = UUID.randomUUID();
            line.invoiceId = invoice.id;
            line.position = position++;
            line.type = c.type().wire();
            line.meter = c.meter();
            String text = c.description() + " (supplements invoice " + original.number + ")";
            line.description = text.length() > 500 ? text.substring(0, 500) : text;
            line.quantity = BigDecimal.ONE;
            line.unitAmount = c.amount();
            line.amount = c.amount();
            line.periodStart = original.periodStart;
            line.periodEnd = original.periodEnd;
            lines.persist(line);
            written.add(line);
        }
        invoices.flush();
        lifecycle.finalise(invoice, original.stripeCustomerId != null);
        return invoice;
    }
}
