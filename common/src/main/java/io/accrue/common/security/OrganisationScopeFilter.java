package io.accrue.common.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.accrue.common.error.ApiException;
import io.accrue.common.error.Problems;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * Tenancy in one place: every endpoint whose path carries the organisation parameter ({@code {orgId}} by
 * default) is checked here against the token's organisation, for reads and writes alike, so a resource
 * cannot forget. Another organisation's data answers 404, never 403, so ids do not leak existence.
 *
 * <p>
 * Roles are declared on each resource method with {@code @RolesAllowed}; endpoints without a declaration
 * are denied ({@code quarkus.security.jaxrs.deny-unannotated-endpoints=true}).
 */
public class OrganisationScopeFilter {

    private final CurrentIdentityAssociation identities;
    private final SecurityConfig config;

    OrganisationScopeFilter(CurrentIdentityAssociation identities, SecurityConfig config) {
        this.identities = identities;
        this.config = config;
    }

    @ServerRequestFilter
    public Uni<Response> enforceOrganisation(ContainerRequestContext request) {
        String pathOrganisation = request.getUriInfo().getPathParameters().getFirst(config.orgPathParameter());
        if (pathOrganisation == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().map(identity -> {
            Caller caller = CallerProducer.from(identity, config);
            if (identity.isAnonymous()) {
                return Problems.toResponse(ApiException.unauthorized());
            }
            if (caller.organisationAmbiguous() && !caller.actsAcrossOrganisations()) {
                return Problems.toResponse(Caller.ambiguousOrganisation());
            }
            if (!caller.mayAccess(pathOrganisation)) {
                return Problems.toResponse(ApiException.notFound("organisation_not_found",
                        "No organisation '" + pathOrganisation + "' is visible to this caller."));
            }
            return null;
        });
    }
}
