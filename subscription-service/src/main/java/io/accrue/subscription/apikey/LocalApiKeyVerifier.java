package io.accrue.subscription.apikey;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import io.accrue.common.security.apikey.ApiKeyGrant;
import io.accrue.common.security.apikey.ApiKeyVerifier;

/** subscription-service owns the keys: it verifies them in its own database, not over HTTP (replaces common's). */
@ApplicationScoped
public class LocalApiKeyVerifier implements ApiKeyVerifier {

    private final ApiKeyService service;

    LocalApiKeyVerifier(ApiKeyService service) {
        this.service = service;
    }

    @Override
    @ActivateRequestContext
    public Optional<ApiKeyGrant> verify(String keyHash) {
        try {
            return service.verify(keyHash);
        } catch (RuntimeException e) {
            if (io.accrue.common.error.DatabaseOutage.isOutage(e)) {
                throw new Unavailable("database unavailable", e);
            }
            throw e;
        }
    }
}
