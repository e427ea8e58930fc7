package io.accrue.invoice.enduser;

import java.util.Set;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;
import io.accrue.invoice.invoices.InvoiceStatus;

/**
 * An end-user invoice: {@code open} when delivered by export (never on Stripe, it moves nowhere); through Stripe
 * Connect {@code pending_delivery → sent | delivery_failed} (a failed one may be queued again), then settled as
 * Stripe's Connect events report it: {@code paid | void | uncollectible}, by the lifecycle of {@link InvoiceStatus}.
 */
public enum EndUserInvoiceStatus implements WireValue {
    OPEN, PENDING_DELIVERY, SENT, DELIVERY_FAILED, PAID, VOID, UNCOLLECTIBLE;

    /**
     * How Stripe sees the invoice: a delivery still pending or recorded as failed may have reached Stripe all the
     * same (delivery finds its objects again by metadata), so it counts as open too; null when it is not on Stripe.
     */
    public InvoiceStatus onStripe() {
        return switch (this) {
            case PENDING_DELIVERY, SENT, DELIVERY_FAILED -> InvoiceStatus.OPEN;
            case PAID -> InvoiceStatus.PAID;
            case VOID -> InvoiceStatus.VOID;
            case UNCOLLECTIBLE -> InvoiceStatus.UNCOLLECTIBLE;
            case OPEN -> null;
        };
    }

    /** The moves allowed: delivery's own, then the settlements Stripe's lifecycle allows from {@link #onStripe}. */
    public boolean mayMoveTo(EndUserInvoiceStatus next) {
        boolean delivery = switch (this) {
            case PENDING_DELIVERY -> Set.of(SENT, DELIVERY_FAILED).contains(next);
            case DELIVERY_FAILED -> next == PENDING_DELIVERY;
            default -> false;
        };
        InvoiceStatus from = onStripe();
        InvoiceStatus to = next.settledAs();
        return delivery || from != null && to != null && from.mayMoveTo(to);
    }

    /** The settlement this status is, or null for the delivery states. */
    InvoiceStatus settledAs() {
        return switch (this) {
            case PAID -> InvoiceStatus.PAID;
            case VOID -> InvoiceStatus.VOID;
            case UNCOLLECTIBLE -> InvoiceStatus.UNCOLLECTIBLE;
            default -> null;
        };
    }

    /** The end-user status a Stripe settlement moves to (paid, void, uncollectible: the same wire values). */
    public static EndUserInvoiceStatus settled(InvoiceStatus stripe) {
        return WireValue.find(EndUserInvoiceStatus.class, stripe.wire()).filter(s -> s.settledAs() != null)
                .orElseThrow(() -> new IllegalArgumentException("no settlement " + stripe.wire()));
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<EndUserInvoiceStatus> {
        public Column() {
            super(EndUserInvoiceStatus.class);
        }
    }
}
