package io.accrue.common.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a bearer token quarkus-oidc has verified before from {@link VerifiedTokenCache}; for any other token it
 * answers nothing, and quarkus-oidc's own provider (next in priority) verifies it in full, after which
 * {@link VerifiedTokenRecorder} keeps the result. Augmentors run on both paths alike.
 */
@ApplicationScoped
public class CachedTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** Marks an identity served from the cache, so the recorder does not store it again. */
    static final String FROM_CACHE = "io.accrue.security.token-from-cache";

    private final VerifiedTokenCache cache;

    CachedTokenIdentityProvider(VerifiedTokenCache cache) {
        this.cache = cache;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() { return TokenAuthenticationRequest.class; }

    /** Before quarkus-oidc's provider, which has the default priority (SYSTEM_FIRST + 1). */
    @Override
    public int priority() {
        return SYSTEM_FIRST + 2;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof AccessTokenCredential credential)) {
            return Uni.createFrom().nullItem();
        }
        SecurityIdentity verified = cache.get(credential.getToken());
        if (verified == null) {
            return Uni.createFrom().nullItem();
        }
        // The identity quarkus-oidc built carries the request it was built for; this request's go in its place.
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder(verified)
                .addAttribute(FROM_CACHE, Boolean.TRUE)
                .addAttribute(RoutingContext.class.getName(), routing)
                .addAttribute(AuthenticationRequestContext.class.getName(), context);
        if (routing != null) {
            routing.put(AuthenticationRequestContext.class.getName(), context);
        }
        return Uni.createFrom().item(identity.build());
    }
}
