package io.accrue.usage.metering;

import jakarta.enterprise.context.ApplicationScoped;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.RequestOptions;
import com.stripe.param.v2.billing.MeterEventCreateParams;

/** Stripe's v2 meter events (meter-events base), one call per aggregated window. */
@ApplicationScoped
public class StripeMeterGateway implements MeterGateway {

    private final StripeClient client;

    StripeMeterGateway(io.accrue.usage.config.UsageConfig config) {
        var s = config.stripe();
        this.client = StripeClient.builder().setApiKey(s.apiKey()).setApiBase(s.apiBase())
                .setMeterEventsBase(s.meterEventsBase())
                // bounded: a slow Stripe must not hold the metering job (the outbox retries what failed)
                .setConnectTimeout(2_000).setReadTimeout(5_000)
                .setMaxNetworkRetries(0).build();
    }

    @Override
    public void report(MeterReport r) {
        try {
            client.v2().billing().meterEvents().create(MeterEventCreateParams.builder()
                    .setEventName(r.eventName())
                    .setIdentifier(r.identifier())
                    .setTimestamp(r.timestamp())
                    .putPayload("stripe_customer_id", r.stripeCustomerId())
                    .putPayload("value", Long.toString(r.value()))
                    .build(), RequestOptions.builder().setIdempotencyKey(r.identifier()).build());
        } catch (StripeException | RuntimeException e) {
            throw new MeterGatewayException("Stripe meter event " + r.identifier() + " failed: " + e.getMessage(), e);
        }
    }
}
