package io.accrue.contract.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of contract-service ({@code accrue.contracts.*}). */
@ConfigMapping(prefix = "accrue.contracts")
public interface ContractConfig {

    /** How often due expiries and true-ups run ({@code off} disables the jobs, e.g. in tests). */
    @WithDefault("10m")
    String expiryEvery();

    /**
     * How long after a commitment period ends before it is trued up: invoice-service closes the last
     * invoice of the period (and posts its drawdown) after the period ends, so settling at once would miss it.
     */
    @WithDefault("P3D")
    Duration trueUpGrace();

    /**
     * How long before an active contract's end {@code contract.renewal_upcoming} is published (once per contract
     * term), e.g. for renewal-reminder e-mails.
     */
    @WithDefault("P30D")
    Duration renewalNotice();

    /** How often recorded billing events are sent to subscription-service ({@code off} in tests, which send them). */
    @WithDefault("5s")
    String eventsEvery();
}
