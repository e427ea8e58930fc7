package io.accrue.subscription.stripe;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.SetupIntentCreateParams;
import com.stripe.param.billingportal.SessionCreateParams;

import io.accrue.common.error.ApiException;

/** {@link StripeGateway} over stripe-java; the API base is configurable so tests and the local stack use WireMock. */
@ApplicationScoped
public class StripeJavaGateway implements StripeGateway {

    private static final Logger LOG = Logger.getLogger(StripeJavaGateway.class);

    private final StripeClient client;

    /**
     * Every call here is synchronous (a user waits on checkout, portal, setup intent): connect and read timeouts keep
     * a slow Stripe from holding requests for stripe-java's default 30 s + 80 s, and there is no network retry, so
     * the caller hears {@code stripe_unavailable} within connect + read timeout (under 5 s by default). The
     * idempotency keys make the caller's own retry safe.
     */
    StripeJavaGateway(@ConfigProperty(name = "accrue.stripe.api-key") String apiKey,
            @ConfigProperty(name = "accrue.stripe.api-base") String apiBase,
            @ConfigProperty(name = "accrue.stripe.connect-timeout", defaultValue = "PT1.5S") java.time.Duration connect,
            @ConfigProperty(name = "accrue.stripe.read-timeout", defaultValue = "PT3S") java.time.Duration read) {
        this.client = StripeClient.builder().setApiKey(apiKey).setApiBase(apiBase).setMeterEventsBase(apiBase)
                .setConnectTimeout(Math.toIntExact(connect.toMillis()))
                .setReadTimeout(Math.toIntExact(read.toMillis()))
                .setMaxNetworkRetries(0).build();
    }

    @Override
    public String createCustomer(String orgId, String name, String currency) {
        CustomerCreateParams params = CustomerCreateParams.builder().setName(name)
                .putMetadata("accrue_org_id", orgId).putMetadata("currency", currency).build();
        return call(() -> client.v1().customers().create(params, key("customer-" + orgId)).getId());
    }

    @Override
    public String checkoutSession(String customerId, String priceId, String successUrl, String cancelUrl,
            String idempotencyKey) {
        var params = com.stripe.param.checkout.SessionCreateParams.builder()
                .setMode(com.stripe.param.checkout.SessionCreateParams.Mode.SUBSCRIPTION).setCustomer(customerId)
                .setSuccessUrl(successUrl).setCancelUrl(cancelUrl)
                // line items are not in the checkout.session.completed event; the price tells the webhook the plan
                .putMetadata("accrue_price_id", priceId)
                .addLineItem(com.stripe.param.checkout.SessionCreateParams.LineItem.builder().setPrice(priceId)
                        .setQuantity(1L).build())
                .build();
        return call(() -> client.v1().checkout().sessions().create(params, key(idempotencyKey)).getUrl());
    }

    @Override
    public String portalSession(String customerId, String returnUrl, String idempotencyKey) {
        SessionCreateParams params = SessionCreateParams.builder().setCustomer(customerId).setReturnUrl(returnUrl)
                .build();
        return call(() -> client.v1().billingPortal().sessions().create(params, key(idempotencyKey)).getUrl());
    }

    @Override
    public SetupIntentResult setupIntent(String customerId, String idempotencyKey) {
        SetupIntentCreateParams params = SetupIntentCreateParams.builder().setCustomer(customerId)
                .setUsage(SetupIntentCreateParams.Usage.OFF_SESSION).build();
        return call(() -> {
            var intent = client.v1().setupIntents().create(params, key(idempotencyKey));
            return new SetupIntentResult(intent.getId(), intent.getClientSecret());
        });
    }

    @Override
    public String customerOfCharge(String chargeId) {
        return call(() -> client.v1().charges().retrieve(chargeId).getCustomer());
    }

    @Override
    public java.util.List<PaymentMethodInfo> paymentMethods(String customerId) {
        return call(() -> {
            var customer = client.v1().customers().retrieve(customerId);
            String defaultId = customer.getInvoiceSettings() == null
                    ? null
                    : customer.getInvoiceSettings().getDefaultPaymentMethod();
            var params = com.stripe.param.PaymentMethodListParams.builder().setCustomer(customerId)
                    .setType(com.stripe.param.PaymentMethodListParams.Type.CARD).setLimit(100L).build();
            return client.v1().paymentMethods().list(params).getData().stream()
                    .map(pm -> new PaymentMethodInfo(pm.getId(), pm.getCard() == null ? null : pm.getCard().getBrand(),
                            pm.getCard() == null ? null : pm.getCard().getLast4(),
                            pm.getCard() == null ? null : pm.getCard().getExpMonth(),
                            pm.getCard() == null ? null : pm.getCard().getExpYear(), pm.getId().equals(defaultId)))
                    .toList();
        });
    }

    @Override
    public String ownerOfPaymentMethod(String paymentMethodId) {
        return call(() -> client.v1().paymentMethods().retrieve(paymentMethodId).getCustomer());
    }

    @Override
    public void detachPaymentMethod(String paymentMethodId, String idempotencyKey) {
        call(() -> client.v1().paymentMethods().detach(paymentMethodId,
                com.stripe.param.PaymentMethodDetachParams.builder().build(), key(idempotencyKey)));
    }

    @Override
    public void setDefaultPaymentMethod(String customerId, String paymentMethodId, String idempotencyKey) {
        var params = com.stripe.param.CustomerUpdateParams.builder()
                .setInvoiceSettings(com.stripe.param.CustomerUpdateParams.InvoiceSettings.builder()
                        .setDefaultPaymentMethod(paymentMethodId).build())
                .build();
        call(() -> client.v1().customers().update(customerId, params, key(idempotencyKey)));
    }

    private static RequestOptions key(String idempotencyKey) {
        return RequestOptions.builder().setIdempotencyKey("accrue-" + idempotencyKey).build();
    }

    private interface StripeCall<T> {
        T run() throws StripeException;
    }

    /** Stripe's refusals become our problems; its code travels along so the caller can tell what was wrong. */
    private static <T> T call(StripeCall<T> call) {
        try {
            return call.run();
        } catch (InvalidRequestException e) {
            throw new ApiException(422, "stripe_rejected", "Stripe rejected the request",
                    e.getStripeError() != null && e.getStripeError().getMessage() != null
                            ? e.getStripeError().getMessage()
                            : "invalid request",
                    java.util.Map.of("stripeCode", e.getCode() == null ? "unknown" : e.getCode()));
        } catch (StripeException e) {
            LOG.warnf("Stripe call failed: %s (request %s)", e.getMessage(), e.getRequestId());
            throw new ApiException(502, "stripe_unavailable", "Stripe unavailable",
                    "The payment provider could not be reached; try again.");
        }
    }
}
