package io.accrue.invoice.stripe;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.common.outbox.OutboxStatus;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceQueryService;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.invoice.outbox.OutboxRepository;

/**
 * The Stripe push of one organisation invoice as operators and billing admins see it, and its resend.
 *
 * <p>
 * A resend never makes Stripe create a second invoice: it only hands the invoice's one outbox entry back to
 * {@link StripeInvoicePush}, which resumes from the Stripe ids already stored. An entry that stopped (out of
 * attempts) also moves to the next key generation, because Stripe forgets idempotency keys after 24 hours and keeps
 * error answers under them: that attempt first reads what exists on Stripe by the metadata every object carries and
 * writes only what is missing. An invoice already delivered is left alone (Stripe has it and collects it).
 */
@ApplicationScoped
public class StripePushService {

    /** {@code state}: {@code not_on_stripe} (no Stripe customer, or a credit note), {@code pending}, {@code failed}, {@code delivered}. */
    public record StripePushView(UUID invoiceId, String state, String stripeInvoiceId, int attempts,
            String lastError, Instant nextAttemptAt, Instant deliveredAt, int keyGeneration) {}

    /** The answer of a resend: whether it queued anything ({@code false}: already delivered, nothing to do). */
    public record Resend(boolean queued, StripePushView push) {}

    public static final String NOT_ON_STRIPE = "not_on_stripe";

    private final InvoiceQueryService queries;
    private final InvoiceRepository invoices;
    private final OutboxRepository outbox;
    private final Clock clock;

    StripePushService(InvoiceQueryService queries, InvoiceRepository invoices, OutboxRepository outbox, Clock clock) {
        this.queries = queries;
        this.invoices = invoices;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Transactional
    public StripePushView status(String orgId, String invoiceId) {
        Invoice invoice = queries.find(orgId, invoiceId);
        return view(invoice, outbox.stripePushOf(invoice.id, false));
    }

    @Transactional
    public Resend resend(String orgId, String invoiceId) {
        Invoice invoice = queries.find(orgId, invoiceId);
        // locked: a worker delivering it right now holds the row, so this waits and then sees the outcome
        Optional<OutboxEntry> found = outbox.stripePushOf(invoice.id, true);
        if (found.isEmpty()) {
            throw ApiException.conflict("stripe_push_not_applicable", invoice.stripeCustomerId == null
                    ? "This invoice is not collected through Stripe (the account had no Stripe customer when it was issued)."
                    : "This invoice has no Stripe push (only finalised organisation invoices are pushed).");
        }
        OutboxEntry entry = found.get();
        if (entry.status == OutboxStatus.DELIVERED) {
            return new Resend(false, view(invoice, found));
        }
        if (entry.status == OutboxStatus.FAILED) {
            entry.attempts = 0;
            invoices.nextStripeKeyGeneration(invoice);
        }
        entry.status = OutboxStatus.PENDING;
        entry.nextAttemptAt = clock.instant();
        return new Resend(true, view(invoice, found));
    }

    private static StripePushView view(Invoice invoice, Optional<OutboxEntry> entry) {
        return entry.map(e -> new StripePushView(invoice.id, e.status.wire(), invoice.stripeInvoiceId,
                e.attempts, e.lastError, e.status == OutboxStatus.PENDING ? e.nextAttemptAt : null, e.deliveredAt,
                invoice.stripeKeyGeneration))
                .orElseGet(() -> new StripePushView(invoice.id, NOT_ON_STRIPE, invoice.stripeInvoiceId, 0, null,
                        null, null, invoice.stripeKeyGeneration));
    }
}
