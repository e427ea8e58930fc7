package io.accrue.invoice.outbox;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.accrue.common.outbox.OutboxStatus;

/** A side effect of a committed invoice, delivered later with its deterministic idempotency key. */
@Entity
@Table(name = "outbox")
public class OutboxEntry {

    public static final String STRIPE_INVOICE = "stripe_invoice";
    public static final String CONTRACT_DRAWDOWN = "contract_drawdown";
    /** Credits a credit note gives back to the prepaid balance at contract-service (entry of the credit note). */
    public static final String CONTRACT_CREDIT_RETURN = "contract_credit_return";
    /** An end-user invoice pushed to the organisation's Stripe Connect account. */
    public static final String STRIPE_CONNECT_INVOICE = "stripe_connect_invoice";

    @Id
    public UUID id;

    @Column(nullable = false)
    public String kind;

    /** The organisation invoice of the entry; null when the entry is about an end-user invoice. */
    @Column(name = "invoice_id")
    public UUID invoiceId;

    @Column(name = "end_user_invoice_id")
    public UUID endUserInvoiceId;

    @Column(name = "idempotency_key", nullable = false)
    public String idempotencyKey;

    /** Stored through {@link OutboxStatusColumn}. */
    @Column(nullable = false)
    public OutboxStatus status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;
}
