package io.accrue.subscription.contact;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.subscription.contact.ContactService.ContactDraft;
import io.accrue.subscription.contact.ContactService.ContactView;

@Path("/v1/accounts/{orgId}/contacts")
@Tag(name = "Billing contacts")
public class ContactResource {

    private final ContactService service;
    private final Caller caller;

    ContactResource(ContactService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Billing contacts")
    public List<ContactView> list(@PathParam("orgId") String orgId) {
        return service.list(orgId);
    }

    @POST
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Add a billing contact")
    public Response create(@PathParam("orgId") String orgId, @NotNull @Valid ContactDraft body) {
        ContactView c = service.create(orgId, body, caller.subject());
        return Response.created(URI.create("/v1/accounts/" + orgId + "/contacts/" + c.id())).entity(c).build();
    }

    @PUT
    @Path("/{contactId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Replace a billing contact")
    public ContactView update(@PathParam("orgId") String orgId, @PathParam("contactId") String id,
            @NotNull @Valid ContactDraft body) {
        return service.update(orgId, uuid(id), body, caller.subject());
    }

    @DELETE
    @Path("/{contactId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Remove a billing contact")
    public Response delete(@PathParam("orgId") String orgId, @PathParam("contactId") String id) {
        service.delete(orgId, uuid(id), caller.subject());
        return Response.noContent().build();
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("contact_not_found", "No such billing contact.");
        }
    }
}
