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
 * Who is looking at the console: name, roles and organisation from the ID token, and the access token the
 * console forwards to the services. What the console shows follows from these; what the services answer is
 * still checked by the services themselves.
 */
@RequestScoped
public class Viewer {

    public static final String PLATFORM_OPERATOR = "platform-operator";
    public static final String OWNER = "owner";
    public static final String BILLING_ADMIN = "billing-admin";
    public static final String MEMBER = "member";

    private final SecurityIdentity identity;
    private final String orgClaim;

    public Viewer(SecurityIdentity identity,
            @ConfigProperty(name = "accrue.security.org-claim", defaultValue = "org_id") String orgClaim) {
        this.identity = identity;
        this.orgClaim = orgClaim;
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

    public Optional<String> ownOrganisation() {
        // in the authorization-code flow the principal is the verified ID token
        if (!signedIn() || !(identity.getPrincipal() instanceof JsonWebToken idToken)) {
            return Optional.empty();
        }
        Object claim = idToken.getClaim(orgClaim);
        return claim == null ? Optional.empty() : Optional.of(claim.toString().replace("\"", ""));
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
