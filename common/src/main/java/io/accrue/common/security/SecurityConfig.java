package io.accrue.common.security;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How Accrue reads tenancy out of a token. */
@ConfigMapping(prefix = "accrue.security")
public interface SecurityConfig {

    /** Name of the token claim holding the caller's organisation id. */
    @WithDefault("org_id")
    String orgClaim();

    /** Name of the token claim holding the environment ({@code test} or {@code live}) of a machine credential. */
    @WithDefault("environment")
    String environmentClaim();

    /** Name of the path parameter that marks an endpoint as organisation-scoped. */
    @WithDefault("orgId")
    String orgPathParameter();

    /** Bearer tokens quarkus-oidc has verified, kept so a gateway's repeated token is not verified again each call. */
    TokenCache tokenCache();

    /** API keys ({@code acr_live_…}, {@code acr_test_…}) accepted beside tokens. */
    ApiKeys apiKeys();

    interface ApiKeys {

        /**
         * How long a verified key is served from this replica's cache before it is verified again: the bound on how
         * long a revoked key keeps working on a replica that has just seen it. {@code PT0S} verifies every call.
         */
        @WithDefault("PT10S")
        Duration cacheTtl();

        /** At most this many keys are kept in the cache; beyond it new keys are verified every time. */
        @WithDefault("10000")
        int cacheMaxEntries();

        /**
         * Where services other than subscription-service verify keys; by default subscription-service's
         * {@code POST /v1/api-keys/introspect} at {@code quarkus.rest-client.subscription-service.url}.
         */
        Optional<String> introspectionUrl();
    }

    interface TokenCache {

        /**
         * How long a verified token is served from the cache before quarkus-oidc verifies it again; never beyond the
         * token's own expiry. This is also how long a token signed by a key the provider has since withdrawn keeps
         * working. {@code PT0S} turns the cache off.
         */
        @WithDefault("PT1M")
        Duration ttl();

        /** At most this many tokens are kept; beyond it new tokens are verified every time until entries expire. */
        @WithDefault("10000")
        int maxEntries();
    }
}
