package io.accrue.common.security;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the identity quarkus-oidc has just verified for a bearer token in {@link VerifiedTokenCache}. Runs before
 * every other augmentor so what is kept is quarkus-oidc's identity as built, and the augmentors run again on a hit.
 */
@ApplicationScoped
public class VerifiedTokenRecorder implements SecurityIdentityAugmentor {

    private final VerifiedTokenCache cache;

    VerifiedTokenRecorder(VerifiedTokenCache cache) {
        this.cache = cache;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return augment(identity, context, Map.of());
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
            Map<String, Object> attributes) {
        if (cache.enabled() && !identity.isAnonymous() && identity.getAttribute(
                CachedTokenIdentityProvider.FROM_CACHE) == null
                && identity.getPrincipal() instanceof JsonWebToken jwt) {
            AccessTokenCredential bearer = identity.getCredential(AccessTokenCredential.class);
            // Only an identity built from this very bearer token: a code-flow session's identity is its ID token's.
            if (bearer != null && bearer.getToken() != null && bearer.getToken().equals(jwt.getRawToken())) {
                cache.put(bearer.getToken(), identity, jwt.getExpirationTime());
            }
        }
        return Uni.createFrom().item(identity);
    }
}
