package io.accrue.usage.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of subscription-service's account status that quota and metering need; other fields are ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AccountStatus(String orgId, String status, String billingMode) {

    /** On the plan's metered Stripe price: the LLM tokens are billed by Stripe from meter events, not by Accrue. */
    public boolean metered() {
        return "metered".equals(billingMode);
    }

    public boolean suspended() {
        return "suspended".equals(status) || "canceled".equals(status);
    }
}
