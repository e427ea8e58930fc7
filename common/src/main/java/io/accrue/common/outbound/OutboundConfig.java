package io.accrue.common.outbound;

import java.nio.file.Path;
import java.util.Optional;

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

    /**
     * The certificates a receiver's TLS certificate must chain to (a PKCS#12 or JKS file of trusted certificates),
     * instead of the JVM's default trust store; for receivers behind a private CA. Unset: the JVM's {@code cacerts}.
     * Either way the certificate must also name the URL's host (hostname verification is always on).
     */
    Optional<Path> trustStore();

    /** Password of {@link #trustStore()}, if it has one. */
    Optional<String> trustStorePassword();

    /** {@code PKCS12} or {@code JKS}. */
    @WithDefault("PKCS12")
    String trustStoreType();
}
