package io.accrue.invoice.stripe;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * The one door to Stripe for invoices. No Stripe type crosses it: amounts go in as decimals with a currency,
 * and the adapter turns them into Stripe's integer minor units.
 */
public interface StripeInvoiceGateway {

    /**
     * Creates (or, on a retry, finds again through the idempotency keys) the Stripe invoice with one item per
     * line and finalises it. Returns the Stripe invoice id.
     *
     * @param idempotencyKey the base of every write's deterministic key
     */
    String push(PushInvoice invoice, String idempotencyKey);

    record PushInvoice(UUID accrueInvoiceId, String number, String customerId, String currency, List<Item> items) {}

    record Item(int position, String description, BigDecimal amount) {}

    /** Stripe refused or could not be reached; the outbox retries later. */
    class StripeUnavailable extends RuntimeException {
        public StripeUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
