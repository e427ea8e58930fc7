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
    private Instant expiresAt = Instant.now().plus(Duration.ofHours(1));
    private boolean forged;
    private String issuer = OidcKeysResource.ISSUER;

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
        this.expiresAt = Instant.now().minus(Duration.ofHours(1));
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
        var keys = forged ? OidcKeysResource.newKeyPair() : OidcKeysResource.keys();
        return claims.jws().sign(keys.getPrivate());
    }

    /** The {@code Authorization} header value. */
    public String bearer() {
        return "Bearer " + token();
    }
}
