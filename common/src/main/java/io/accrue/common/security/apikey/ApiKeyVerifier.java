package io.accrue.common.security.apikey;

import java.util.Optional;

/**
 * Looks a key up by its {@link ApiKeys#hash}: what it grants while it is valid (not revoked, not expired), empty
 * otherwise. Blocking. subscription-service, which owns the keys, reads its database; every other service asks it
 * ({@link RemoteApiKeyVerifier}).
 */
public interface ApiKeyVerifier {

    Optional<ApiKeyGrant> verify(String keyHash);

    /** The verifier could not answer (the keys' owner is unreachable): the request is refused, not let through. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
