package io.accrue.common.security.apikey;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Environment;
import io.accrue.common.security.SecurityConfig;
import io.accrue.common.security.VerifiedTokenCache;
import io.accrue.common.time.WallTime;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Turns {@code Authorization: Bearer acr_…} into the same kind of identity a token gives: the key's roles
 * ({@link ApiKeyRole#roles()}), its organisation and environment ({@link ApiKeyPrincipal}), so {@code @RolesAllowed},
 * the organisation scope and {@code Caller} treat a key exactly like a token. Runs before the token providers; any
 * bearer that is not an API key passes on to them untouched.
 *
 * <p>
 * A verified key is kept {@link SecurityConfig.ApiKeys#cacheTtl()} (10 s) on this replica, never past its expiry, so
 * a gateway's quota checks do not each ask subscription-service; that TTL is the bound on revocation.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(ApiKeyIdentityProvider.class);

    private final ApiKeyVerifier verifier;
    private final VerifiedTokenCache cache;
    private final Clock clock;

    @Inject
    ApiKeyIdentityProvider(ApiKeyVerifier verifier, SecurityConfig config, WallTime wallTime) {
        this(verifier, VerifiedTokenCache.of(config.apiKeys().cacheTtl(), config.apiKeys().cacheMaxEntries(),
                wallTime.clock()), wallTime.clock());
    }

    ApiKeyIdentityProvider(ApiKeyVerifier verifier, VerifiedTokenCache cache, Clock clock) {
        this.verifier = verifier;
        this.cache = cache;
        this.clock = clock;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() { return TokenAuthenticationRequest.class; }

    /** Before the token cache (SYSTEM_FIRST + 2) and quarkus-oidc (SYSTEM_FIRST + 1). */
    @Override
    public int priority() {
        return SYSTEM_FIRST + 3;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof AccessTokenCredential credential)
                || !ApiKeys.looksLikeKey(credential.getToken())) {
            return Uni.createFrom().nullItem();
        }
        String key = credential.getToken();
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        SecurityIdentity cached = cache.get(key);
        if (cached != null) {
            return Uni.createFrom().item(withRequest(cached, routing, context));
        }
        if (ApiKeys.parse(key).isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException("malformed API key"));
        }
        // the verifier reads a database or calls subscription-service: never on the event loop
        return context.runBlocking(() -> {
            Optional<ApiKeyGrant> grant;
            try {
                grant = verifier.verify(ApiKeys.hash(key));
            } catch (ApiKeyVerifier.Unavailable e) {
                LOG.warnf("API key not verified: %s", e.getMessage());
                throw new ApiException(503, "api_key_verification_unavailable", "Service unavailable",
                        "The API key could not be verified right now; retry shortly.");
            }
            SecurityIdentity identity = grant.flatMap(g -> identity(g, credential)).orElseThrow(
                    () -> new AuthenticationFailedException("unknown, revoked or expired API key"));
            long until = grant.get().expiresAt() == null
                    ? Long.MAX_VALUE / 1000
                    : grant.get().expiresAt().getEpochSecond();
            cache.put(key, identity, until);
            return withRequest(identity, routing, context);
        });
    }

    private Optional<SecurityIdentity> identity(ApiKeyGrant grant, AccessTokenCredential credential) {
        Optional<Environment> env = Environment.parse(grant.environment());
        Optional<ApiKeyRole> role = ApiKeyRole.parse(grant.role());
        if (env.isEmpty() || role.isEmpty() || grant.organisationId() == null
                || (grant.expiresAt() != null && !grant.expiresAt().isAfter(clock.instant()))) {
            return Optional.empty();
        }
        return Optional.of(QuarkusSecurityIdentity.builder()
                .setPrincipal(new ApiKeyPrincipal(grant.keyId(), grant.organisationId(), env.get()))
                .addRoles(role.get().roles())
                .addCredential(credential)
                .build());
    }

    private static SecurityIdentity withRequest(SecurityIdentity identity, RoutingContext routing,
            AuthenticationRequestContext context) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder(identity)
                .addAttribute(AuthenticationRequestContext.class.getName(), context);
        if (routing != null) {
            b.addAttribute(RoutingContext.class.getName(), routing);
            routing.put(AuthenticationRequestContext.class.getName(), context);
        }
        return b.build();
    }
}
