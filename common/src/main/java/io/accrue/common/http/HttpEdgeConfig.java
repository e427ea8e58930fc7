package io.accrue.common.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Limits checked at the HTTP edge, before any route, so a refusal is a problem+json body like every other error.
 * Netty's own limits ({@code quarkus.http.limits.max-initial-line-length}, {@code max-header-size}) are set higher in
 * common's {@code META-INF/microprofile-config.properties}: only a request beyond those gets Netty's bare answer.
 */
@ConfigMapping(prefix = "accrue.http")
public interface HttpEdgeConfig {

    /** Default of {@link #maxParameterLength()}; {@link PublishedLimits} publishes it as each parameter's maxLength. */
    int MAX_PARAMETER_LENGTH = 512;

    /**
     * Longest decoded path segment or query parameter value (and name) answered; longer is 400
     * {@code value_too_long}. Parameters with a tighter {@code @Size} publish and check that one.
     */
    @WithDefault("" + MAX_PARAMETER_LENGTH)
    int maxParameterLength();

    /** Longest request target (path and query) answered; longer is 414 {@code uri_too_long}. */
    @WithDefault("8192")
    int maxUriLength();

    /** Largest total of request header names and values; larger is 431 {@code headers_too_large}. */
    @WithDefault("16384")
    int maxHeaderBytes();

    /** Value of {@code Strict-Transport-Security} on every answer. */
    @WithDefault("max-age=31536000; includeSubDomains")
    String strictTransportSecurity();
}
