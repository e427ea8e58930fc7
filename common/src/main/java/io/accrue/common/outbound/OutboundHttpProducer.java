package io.accrue.common.outbound;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One {@link OutboundHttp} per service, in the mode its configuration names. */
public class OutboundHttpProducer {

    @Produces
    @Singleton
    OutboundHttp outboundHttp(OutboundConfig config) {
        return new OutboundHttp(config.allowPrivateAddresses());
    }
}
