package io.accrue.common.security;

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
}
