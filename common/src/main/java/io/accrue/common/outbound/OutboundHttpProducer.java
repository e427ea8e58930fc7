package io.accrue.common.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One {@link OutboundHttp} per service, in the mode and with the trust its configuration names. */
public class OutboundHttpProducer {

    @Produces
    @Singleton
    OutboundHttp outboundHttp(OutboundConfig config) {
        if (config.trustStore().isEmpty()) {
            return new OutboundHttp(config.allowPrivateAddresses());
        }
        char[] password = config.trustStorePassword().map(String::toCharArray).orElse(null);
        try (InputStream in = Files.newInputStream(config.trustStore().get())) {
            KeyStore store = KeyStore.getInstance(config.trustStoreType());
            store.load(in, password);
            return new OutboundHttp(config.allowPrivateAddresses(), OutboundUrlPolicy.Resolver.SYSTEM,
                    OutboundHttp.trusting(store));
        } catch (IOException | GeneralSecurityException e) {
            // a configured trust store that cannot be read must stop the start, not fall back to another trust
            throw new IllegalStateException("accrue.outbound.trust-store " + config.trustStore().get()
                    + " could not be read: " + e.getMessage(), e);
        }
    }
}
