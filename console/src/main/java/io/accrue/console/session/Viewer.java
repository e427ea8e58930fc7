package io.accrue.console.session;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.NotFoundException;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is looking at the console: name from the ID token; roles and organisation from the token named by
 * {@code quarkus.oidc.roles.source} (the access token by default, as a stock Keycloak client issues them, or the ID
 * token); and the access token the console forwards to the services. What the console shows follows from these;
 * what the services answer is still checked by the services themselves.
 */
@RequestScoped
public class Viewer {

    public static final String PLATFORM_OPERATOR = "platform-operator";
    public static final String OWNER = "owner";
    public static final String BILLING_ADMIN = "billing-admin";
    public static final String MEMBER = "member";

    private final SecurityIdentity identity;
    private final String orgClaim;
    private final boolean fromIdToken;

    public Viewer(SecurityIdentity identity,
            @ConfigProperty(name = "accrue.security.org-claim", defaultValue = "org_id") String orgClaim,
            @ConfigProperty(name = "quarkus.oidc.roles.source", defaultValue = "accesstoken") String claimsSource) {
        this.identity = identity;
        this.orgClaim = orgClaim;
        this.fromIdToken = "idtoken".equals(claimsSource);
    }

    public boolean signedIn() {
        return !identity.isAnonymous();
    }

    public String name() {
        return signedIn() ? identity.getPrincipal().getName() : "";
    }

    public Set<String> roles() {
        return identity.getRoles();
    }

    /** Roles in a stable order for display. */
    public List<String> roleList() {
        return identity.getRoles().stream().sorted().toList();
    }

    public boolean operator() {
        return identity.hasRole(PLATFORM_OPERATOR);
    }

    /** May manage the billing of the organisation: plans, end users, rate plans, contacts, contracts. */
    public boolean manager() {
        return operator() || identity.hasRole(OWNER) || identity.hasRole(BILLING_ADMIN);
    }

    /** May read the organisation's billing at all (a member reads status, usage and invoices). */
    public boolean reader() {
        return manager() || identity.hasRole(MEMBER);
    }

    /**
     * The viewer's organisation; none when the token names none, or several (Keycloak Organizations without one
     * selected): the console then shows no organisation's data, as the services would refuse it.
     */
    public Optional<String> ownOrganisation() {
        if (!signedIn()) {
            return Optional.empty();
        }
        if (fromIdToken) {
            // in the authorization-code flow the principal is the verified ID token
            return identity.getPrincipal() instanceof JsonWebToken idToken
                    ? OrganisationClaim.single(idToken.getClaim(orgClaim))
                    : Optional.empty();
        }
        // quarkus-oidc verified the access token when it read the roles from it (roles.source=accesstoken)
        return accessToken().flatMap(token -> OrganisationClaim.single(OrganisationClaim.claimOf(token, orgClaim)));
    }

    /**
     * The organisation a page is about. A platform operator picks one with {@code ?org=}; everyone else sees
     * their own, and asking for another answers 404 exactly as the services would (no hint that it exists).
     */
    public Optional<String> organisation(String requested) {
        String wanted = requested == null || requested.isBlank() ? null : requested.trim();
        if (operator()) {
            return Optional.ofNullable(wanted);
        }
        Optional<String> own = ownOrganisation();
        if (wanted != null && !own.map(wanted::equals).orElse(false)) {
            throw new NotFoundException();
        }
        return own;
    }

    public Optional<String> accessToken() {
        if (!signedIn()) {
            return Optional.empty();
        }
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        return credential == null ? Optional.empty() : Optional.ofNullable(credential.getToken());
    }
}
