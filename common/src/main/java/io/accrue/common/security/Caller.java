package io.accrue.common.security;

import java.util.Optional;
import java.util.Set;

import io.accrue.common.error.ApiException;

/**
 * Who is calling, read once per request from the validated token: subject, roles, organisation and (for
 * machine credentials) environment. Inject it; resources take the organisation from here, never from a body.
 *
 * <p>
 * A class rather than a record because CDI proxies request-scoped beans, and records are final.
 */
public class Caller {

    /** Roles that act across organisations: the operator and the suite's own services. */
    public static final Set<String> CROSS_ORGANISATION_ROLES = Set.of(Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE);

    private final String subject;
    private final Set<String> roles;
    private final Optional<String> organisation;
    private final Optional<Environment> environment;
    /** The token named several organisations and none was selected: it acts for none of them. */
    private final boolean organisationAmbiguous;

    /** For the CDI client proxy only. */
    protected Caller() {
        this("anonymous", Set.of(), Optional.empty(), Optional.empty());
    }

    public Caller(String subject, Set<String> roles, Optional<String> organisation, Optional<Environment> environment) {
        this(subject, roles, organisation, environment, false);
    }

    public Caller(String subject, Set<String> roles, Optional<String> organisation, Optional<Environment> environment,
            boolean organisationAmbiguous) {
        this.subject = subject;
        this.roles = Set.copyOf(roles);
        this.organisation = organisationAmbiguous ? Optional.empty() : organisation;
        this.environment = environment;
        this.organisationAmbiguous = organisationAmbiguous;
    }

    public boolean organisationAmbiguous() {
        return organisationAmbiguous;
    }

    public String subject() {
        return subject;
    }

    public Set<String> roles() {
        return roles;
    }

    public Optional<String> organisation() {
        return organisation;
    }

    public Optional<Environment> environment() {
        return environment;
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    public boolean actsAcrossOrganisations() {
        return roles.stream().anyMatch(CROSS_ORGANISATION_ROLES::contains);
    }

    /** True when this caller may see data of {@code orgId}. */
    public boolean mayAccess(String orgId) {
        return actsAcrossOrganisations() || organisation.map(orgId::equals).orElse(false);
    }

    /** The caller's own organisation; a token without one cannot act for an organisation. */
    public String requireOrganisation() {
        if (organisationAmbiguous) {
            throw ambiguousOrganisation();
        }
        return organisation.orElseThrow(() -> ApiException.forbidden("organisation_missing",
                "The token carries no organisation claim."));
    }

    /** 403 for a token naming several organisations (Keycloak Organizations without one selected). */
    static ApiException ambiguousOrganisation() {
        return ApiException.forbidden("organisation_ambiguous",
                "The token names several organisations; sign in with one selected (Keycloak: the "
                        + "organization:<alias> scope).");
    }

    /** The environment a machine credential names; refuses a credential that names none. */
    public Environment requireEnvironment() {
        return environment.orElseThrow(() -> ApiException.forbidden("environment_missing",
                "The credential names no environment (test or live)."));
    }

    @Override
    public String toString() {
        return "Caller[" + subject + ", roles=" + roles + ", organisation=" + organisation.orElse("-") + "]";
    }
}
