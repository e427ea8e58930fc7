package io.accrue.invoice.invoices;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * An invoice or credit note. Once it leaves {@code draft} (finalisation) its amounts and lines never change;
 * only its status moves on (open → paid | void | uncollectible). Corrections are credit notes.
 */
@Entity
@Table(name = "invoices")
public class Invoice {

    public static final String KIND_INVOICE = "invoice";
    public static final String KIND_CREDIT_NOTE = "credit_note";
    /** Charges what a late timeline change added to an invoiced period (billing-rules "Invoices" rule 12a). */
    public static final String KIND_SUPPLEMENTARY = "supplementary";

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public InvoiceStatus status;

    /** Numbering series, e.g. {@code INV} or {@code CN}; numbers are gapless per series. */
    @Column(nullable = false)
    public String series;

    public String number;

    @Column(name = "period_start", nullable = false)
    public Instant periodStart;

    @Column(name = "period_end", nullable = false)
    public Instant periodEnd;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    @Column(nullable = false)
    public BigDecimal subtotal;

    @Column(nullable = false)
    public BigDecimal total;

    @Column(name = "line_count", nullable = false)
    public int lineCount;

    @Column(name = "corrects_invoice_id")
    public UUID correctsInvoiceId;

    @Column(name = "stripe_customer_id")
    public String stripeCustomerId;

    /**
     * Written only by the Stripe push, in SQL of its own, the moment Stripe returns it; never from this entity, whose
     * full-row updates (a webhook moving the status) would otherwise put back the value they had read.
     */
    @Column(name = "stripe_invoice_id", updatable = false)
    public String stripeInvoiceId;

    /** Bumped (in SQL, like the Stripe id) each time Stripe answered a push with an error it keeps under the keys. */
    @Column(name = "stripe_key_generation", insertable = false, updatable = false)
    public int stripeKeyGeneration;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "issued_at")
    public Instant issuedAt;

    @Column(name = "finalised_at")
    public Instant finalisedAt;

    @Column(name = "status_changed_at", nullable = false)
    public Instant statusChangedAt;

    /** The contract this invoice drew down, if any. */
    @Column(name = "contract_id")
    public String contractId;

    @Column(name = "commitment_drawdown", nullable = false)
    public BigDecimal commitmentDrawdown = BigDecimal.ZERO;

    @Column(name = "credits_applied", nullable = false)
    public BigDecimal creditsApplied = BigDecimal.ZERO;

    /** On a credit note: what it gave back to the prepaid credit balance instead of refunding money. */
    @Column(name = "credits_returned", nullable = false)
    public BigDecimal creditsReturned = BigDecimal.ZERO;

    /**
     * On a credit note: the commitment consumption its credited usage lines give back (at most the invoice's
     * drawdown over all its notes); the commitment's drawn amount and true-up are computed net of it.
     */
    @Column(name = "commitment_returned", nullable = false)
    public BigDecimal commitmentReturned = BigDecimal.ZERO;

    /** Whether the bill-to below was recorded at finalisation (false on invoices issued before V16). */
    @Column(name = "bill_to_recorded", nullable = false)
    public boolean billToRecorded;

    @Column(name = "bill_to_name")
    public String billToName;

    /** One printed line each, separated by a line feed. */
    @Column(name = "bill_to_address")
    public String billToAddress;

    @Column(name = "bill_to_tax_id")
    public String billToTaxId;

    @Version
    public long version;

    /**
     * A draft document that corrects {@code original} (a credit note or a supplementary invoice): the same
     * organisation, period, currency and bill-to — a correction is addressed to the party the invoice it corrects was
     * issued to — with its own id, series, lines and total.
     */
    public static Invoice correcting(Invoice original, String kind, String series, BigDecimal total, int lineCount,
            Instant now) {
        Invoice doc = new Invoice();
        doc.id = UUID.randomUUID();
        doc.orgId = original.orgId;
        doc.kind = kind;
        doc.status = InvoiceStatus.DRAFT;
        doc.series = series;
        doc.periodStart = original.periodStart;
        doc.periodEnd = original.periodEnd;
        doc.currency = original.currency;
        doc.subtotal = total;
        doc.total = total;
        doc.lineCount = lineCount;
        doc.correctsInvoiceId = original.id;
        doc.createdAt = now;
        doc.statusChangedAt = now;
        original.recordedBillTo().ifPresent(doc::recordBillTo);
        return doc;
    }

    /** Records who the invoice is addressed to; the database freezes it once the invoice is finalised. */
    public void recordBillTo(BillTo billTo) {
        billToRecorded = true;
        billToName = billTo.name();
        billToAddress = billTo.addressLines().isEmpty() ? null : String.join("\n", billTo.addressLines());
        billToTaxId = billTo.taxId();
    }

    /** The bill-to recorded at finalisation, or empty on an invoice issued before it was recorded. */
    public java.util.Optional<BillTo> recordedBillTo() {
        return billToRecorded
                ? java.util.Optional.of(new BillTo(billToName,
                        billToAddress == null ? java.util.List.of() : java.util.List.of(billToAddress.split("\n")),
                        billToTaxId))
                : java.util.Optional.empty();
    }
}
