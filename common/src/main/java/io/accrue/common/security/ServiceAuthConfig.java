package io.accrue.common.security;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How this service authenticates its calls to the other services of the suite: an OAuth2
 * client-credentials grant at the OIDC provider for a client holding the {@code billing-service} role.
 */
@ConfigMapping(prefix = "accrue.service-auth")
public interface ServiceAuthConfig {

    /** Token endpoint of the OIDC provider, e.g. {@code http://127.0.0.1:8180/realms/accrue/protocol/openid-connect/token}. */
    Optional<String> tokenUrl();

    /** Client id of this service's confidential client. */
    @WithDefault("accrue-billing-service")
    String clientId();

    /** Client secret, from an environment variable or a Kubernetes Secret. */
    Optional<String> clientSecret();

    /** A fixed token to send instead (tests against stand-ins of neighbours); never set in production. */
    Optional<String> staticToken();
}
