package io.accrue.invoice.stripe;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one door to Stripe for invoices. No Stripe type crosses it: amounts go in as decimals with a currency,
 * and the adapter turns them into Stripe's integer minor units.
 */
public interface StripeInvoiceGateway {

    // The platform's own account: an organisation invoice is pushed step by step (draft, one item per line,
    // finalisation) so that the caller can store each Stripe id as soon as Stripe gives it. Each write takes the
    // caller's idempotency key; each find is a read the caller uses to reconcile after Stripe kept an error answer
    // under a key. The finds are list calls, strongly consistent (unlike Stripe's search).

    /** The customer's invoice that carries this Accrue invoice's id in its metadata; returns its id. */
    Optional<String> findInvoice(String customerId, UUID accrueInvoiceId);

    /** Creates the draft invoice (no automatic advancement yet, pending items excluded); returns its id. */
    String createInvoice(PushInvoice invoice, String idempotencyKey);

    /** The items already on the Stripe invoice, by the Accrue line position in their metadata. */
    Map<Integer, String> findItems(String stripeInvoiceId);

    /** Adds one line's item to the draft; returns its id. */
    String addItem(PushInvoice invoice, String stripeInvoiceId, Item item, String idempotencyKey);

    /** The Stripe invoice's status ({@code draft}, {@code open}, {@code paid}…). */
    String invoiceStatus(String stripeInvoiceId);

    /** Finalises the draft and turns on automatic advancement (Stripe then collects it). */
    void finalizeInvoice(String stripeInvoiceId, String idempotencyKey);

    /** Stripe's hosted payment page of the invoice, while it has one (a finalised, unpaid invoice). */
    Optional<String> hostedInvoiceUrl(String stripeInvoiceId);

    record PushInvoice(UUID accrueInvoiceId, String number, String customerId, String currency, List<Item> items) {}

    record Item(int position, String description, BigDecimal amount) {}

    // Stripe Connect: an organisation billing its own end users on its connected account. Every call below except
    // connectedAccount() runs as the connected account (the Stripe-Account header); each write takes the caller's
    // idempotency key, each find is a read the caller uses to reconcile after an answer it cannot trust.

    /** Reads the connected account as the platform. */
    ConnectedAccount connectedAccount(String accountId);

    /** Customers on the account carrying this organisation's and end user's metadata (Stripe's search). */
    Optional<String> findConnectCustomer(String accountId, String orgId, String endUserId);

    /** Creates the end user's customer on the account; returns its id. */
    String createConnectCustomer(String accountId, String orgId, String endUserId, String idempotencyKey);

    /** The invoice on the account that carries this end-user invoice's id in its metadata. */
    Optional<ConnectInvoice> findConnectInvoice(String accountId, String customerId, UUID endUserInvoiceId);

    /** Creates a draft invoice (no automatic advancement yet), with the platform's application fee. */
    ConnectInvoice createConnectInvoice(String accountId, NewConnectInvoice invoice, String idempotencyKey);

    /** The invoice item on the invoice that carries this end-user invoice's id in its metadata; returns its id. */
    Optional<String> findConnectItem(String accountId, String invoiceId, UUID endUserInvoiceId);

    /** Adds the item to the draft invoice; returns its id. */
    String addConnectItem(String accountId, NewConnectItem item, String idempotencyKey);

    ConnectInvoice retrieveConnectInvoice(String accountId, String invoiceId);

    /** Finalises the draft and turns on automatic advancement (Stripe sends it and reminds). */
    ConnectInvoice finalizeConnectInvoice(String accountId, String invoiceId, String idempotencyKey);

    record ConnectedAccount(String id, boolean chargesEnabled) {}

    /**
     * @param applicationFee the platform's fee, already rounded to the currency's minor unit
     */
    record NewConnectInvoice(UUID endUserInvoiceId, String orgId, String endUserId, String customerId,
            String currency, BigDecimal applicationFee, int daysUntilDue, String description) {}

    /**
     * @param amount already rounded to the currency's minor unit
     */
    record NewConnectItem(UUID endUserInvoiceId, String customerId, String invoiceId, String currency,
            BigDecimal amount, String description, Instant periodStart, Instant periodEnd) {}

    record ConnectInvoice(String id, String status, String hostedInvoiceUrl) {}

    /** Stripe refused or could not be reached; the outbox retries later. */
    class StripeUnavailable extends RuntimeException {
        public StripeUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Stripe answered with an error status (as opposed to no answer at all: a timeout or a broken connection). */
    class StripeRefused extends StripeUnavailable {

        private final int status;
        private final String stripeCode;

        public StripeRefused(String message, int status, String stripeCode, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.stripeCode = stripeCode;
        }

        public int status() {
            return status;
        }

        /** Stripe's error code ({@code account_invalid}, {@code resource_missing}…), or null. */
        public String stripeCode() {
            return stripeCode;
        }

        /**
         * Whether Stripe may keep this answer under the request's idempotency key and replay it for 24 hours (it does
         * so for any answer once the endpoint started executing, a 500 included). Not for 409 (the key is in use by a
         * request still running) or 429 (rate limited): those are never kept, so the same key can simply be retried.
         */
        public boolean mayBeKeptUnderKey() {
            return status != 409 && status != 429;
        }
    }
}
