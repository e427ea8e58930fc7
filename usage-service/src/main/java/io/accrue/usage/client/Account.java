package io.accrue.usage.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of subscription-service's account that metering needs. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Account(String orgId, String stripeCustomerId, boolean meteredEnabled) {}
