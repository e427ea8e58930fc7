package io.accrue.usage.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of subscription-service's subscription that metering needs; other fields are ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Subscription(String orgId, String billingMode) {

    /** On the plan's metered Stripe price: the LLM tokens are billed by Stripe from meter events, not by Accrue. */
    public boolean metered() {
        return "metered".equals(billingMode);
    }
}
