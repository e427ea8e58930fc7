package io.accrue.subscription.stripe;

/**
 * Everything this service asks of Stripe. Implementations must make each write idempotent with the key given
 * (derived from our own identifiers, never random), so a retried request never creates a second object.
 */
public interface StripeGateway {

    /** Creates the customer of an organisation; the key is derived from the organisation id. */
    String createCustomer(String orgId, String name, String currency);

    /** A hosted Checkout session in subscription mode; returns its URL. */
    String checkoutSession(String customerId, String priceId, String successUrl, String cancelUrl,
            String idempotencyKey);

    /** A customer portal session; returns its URL. */
    String portalSession(String customerId, String returnUrl, String idempotencyKey);

    /** A SetupIntent for client-side card collection; returns its id and client secret (no card data here). */
    SetupIntentResult setupIntent(String customerId, String idempotencyKey);

    /** The customer a charge belongs to (disputes name the charge, not the customer). */
    String customerOfCharge(String chargeId);

    /** The customer's cards (brand, last 4, expiry only) and which is the default. */
    java.util.List<PaymentMethodInfo> paymentMethods(String customerId);

    /** The customer a payment method is attached to, or null. */
    String ownerOfPaymentMethod(String paymentMethodId);

    void detachPaymentMethod(String paymentMethodId, String idempotencyKey);

    void setDefaultPaymentMethod(String customerId, String paymentMethodId, String idempotencyKey);

    record PaymentMethodInfo(String id, String brand, String last4, Long expMonth, Long expYear,
            boolean isDefault) {}

    record SetupIntentResult(String id, String clientSecret) {}
}
