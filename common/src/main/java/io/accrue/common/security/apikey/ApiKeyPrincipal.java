package io.accrue.common.security.apikey;

import java.security.Principal;

import io.accrue.common.security.Environment;

/**
 * The principal of a request authenticated by an API key: {@link io.accrue.common.security.CallerProducer} reads the
 * organisation and environment from here as it reads them from a token's claims.
 */
public record ApiKeyPrincipal(String keyId, String organisationId, Environment environment) implements Principal {

    @Override
    public String getName() { return "api-key:" + keyId; }
}
