package io.accrue.console.api;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** Where the four services are and how long the console waits for them. */
@ConfigMapping(prefix = "accrue.console")
public interface ConsoleConfig {

    /** Base URL of subscription-service (accounts, status, checkout, contacts, payment methods). */
    String subscriptionUrl();

    /** Base URL of usage-service (usage summaries, end users, rate plans, revenue). */
    String usageUrl();

    /** Base URL of invoice-service (invoices, PDFs, billing export). */
    String invoiceUrl();

    /** Base URL of contract-service (contracts and commitment utilization). */
    String contractUrl();

    /** How long one call to a service may take before the page shows "service unavailable". */
    Duration callTimeout();
}
