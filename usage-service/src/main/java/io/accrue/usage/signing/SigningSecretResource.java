package io.accrue.usage.signing;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.usage.signing.SigningRequests.CreatedSecret;
import io.accrue.usage.signing.SigningRequests.SecretView;

/**
 * Signing secrets of an organisation's usage-reporter clients. Once a client has one, its usage events must carry
 * a valid {@code Accrue-Signature}; a client without one keeps posting unsigned.
 */
@Path("/v1/orgs/{orgId}")
@Tag(name = "Usage event signing")
public class SigningSecretResource {

    private final SigningSecrets secrets;
    private final Caller caller;

    SigningSecretResource(SigningSecrets secrets, Caller caller) {
        this.secrets = secrets;
        this.caller = caller;
    }

    @GET
    @Path("/signing-secrets")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER})
    @Operation(summary = "List the signing secrets of every client (last four characters only)")
    public List<SecretView> all(@PathParam("orgId") String orgId) {
        return secrets.list(orgId, null);
    }

    @GET
    @Path("/clients/{clientId}/signing-secrets")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER})
    @Operation(summary = "List one client's signing secrets (last four characters only)")
    public List<SecretView> list(@PathParam("orgId") String orgId, @PathParam("clientId") String clientId) {
        return secrets.list(orgId, clientId);
    }

    @POST
    @Path("/clients/{clientId}/signing-secrets")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER})
    @Operation(summary = "Create a signing secret for a client (shown once); from then on its usage events must be signed")
    public Response create(@PathParam("orgId") String orgId, @PathParam("clientId") String clientId) {
        CreatedSecret created = secrets.create(orgId, clientId, caller.subject());
        return Response.status(201).entity(created).build();
    }

    @DELETE
    @Path("/clients/{clientId}/signing-secrets/{id}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER})
    @Operation(summary = "Remove a signing secret; a client with none left posts unsigned again")
    public Response delete(@PathParam("orgId") String orgId, @PathParam("clientId") String clientId,
            @PathParam("id") UUID id) {
        secrets.delete(orgId, clientId, id);
        return Response.noContent().build();
    }
}
