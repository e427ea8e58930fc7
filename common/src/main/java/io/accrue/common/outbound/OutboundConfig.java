package io.accrue.common.outbound;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Calls to URLs a tenant registered (webhooks). */
@ConfigMapping(prefix = "accrue.outbound")
public interface OutboundConfig {

    /**
     * Lifts the address and scheme rules of {@link OutboundUrlPolicy}: plain http, any port, loopback and private
     * addresses. Only for local development and tests ({@code %dev}/{@code %test} set it); never in production.
     */
    @WithDefault("false")
    boolean allowPrivateAddresses();
}
