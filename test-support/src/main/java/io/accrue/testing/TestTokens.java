package io.accrue.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Real signed bearer tokens for tests, validated by quarkus-oidc like a provider's. Start from a role:
 * {@code TestTokens.as("billing-admin").org("org-a").bearer()}.
 */
public final class TestTokens {

    private final Set<String> roles;
    private String organisation;
    private String environment;
    private String subject = "user-" + UUID.randomUUID();
    private Instant expiresAt = Instant.now().plus(Duration.ofHours(1)); // wall time: quarkus-oidc judges expiry by it
    private boolean forged;
    private String issuer = OidcKeysResource.ISSUER;
    private Set<String> audiences = Set.of();
    private String client;
    private final java.util.Map<String, Object> extraClaims = new java.util.LinkedHashMap<>();

    private TestTokens(Set<String> roles) {
        this.roles = roles;
    }

    public static TestTokens as(String... roles) {
        return new TestTokens(Set.of(roles));
    }

    /** Shorthand for the common case: a token of {@code role} in organisation {@code org}. */
    public static String bearer(String org, String... roles) {
        return as(roles).org(org).bearer();
    }

    public TestTokens org(String organisation) {
        this.organisation = organisation;
        return this;
    }

    public TestTokens environment(String environment) {
        this.environment = environment;
        return this;
    }

    public TestTokens subject(String subject) {
        this.subject = subject;
        return this;
    }

    /** A token that expired an hour ago. */
    public TestTokens expired() {
        this.expiresAt = Instant.now().minus(Duration.ofHours(1)); // wall time: quarkus-oidc judges expiry by it
        return this;
    }

    /** A token that expires at {@code instant}. */
    public TestTokens expiresAt(Instant instant) {
        this.expiresAt = instant;
        return this;
    }

    /** A well-formed token signed with a key the service does not trust. */
    public TestTokens forged() {
        this.forged = true;
        return this;
    }

    public TestTokens issuer(String issuer) {
        this.issuer = issuer;
        return this;
    }

    /** The token's {@code aud} claim (none by default); {@code azp} names the client it was issued to. */
    public TestTokens audience(String... audiences) {
        this.audiences = Set.of(audiences);
        return this;
    }

    /** The {@code azp} claim: the client the token was issued to. */
    public TestTokens client(String clientId) {
        this.client = clientId;
        return this;
    }

    /** A raw custom claim, e.g. a Keycloak Organizations {@code organization} list. */
    public TestTokens claim(String name, Object value) {
        this.extraClaims.put(name, value);
        return this;
    }

    public String token() {
        JwtClaimsBuilder claims = Jwt.issuer(issuer)
                .subject(subject)
                .preferredUserName(subject)
                .groups(roles)
                .issuedAt(expiresAt.minus(Duration.ofHours(2)))
                .expiresAt(expiresAt);
        if (organisation != null) {
            claims.claim("org_id", organisation);
        }
        if (environment != null) {
            claims.claim("environment", environment);
        }
        if (!audiences.isEmpty()) {
            claims.audience(audiences);
        }
        if (client != null) {
            claims.claim("azp", client);
        }
        extraClaims.forEach(claims::claim);
        var keys = forged ? OidcKeysResource.newKeyPair() : OidcKeysResource.keys();
        return claims.jws().sign(keys.getPrivate());
    }

    /** The {@code Authorization} header value. */
    public String bearer() {
        return "Bearer " + token();
    }
}
