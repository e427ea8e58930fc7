package io.accrue.subscription.apikey;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.common.security.apikey.ApiKeyPrincipal;
import io.accrue.subscription.apikey.ApiKeyService.ApiKeyDraft;
import io.accrue.subscription.apikey.ApiKeyService.ApiKeyView;
import io.accrue.subscription.apikey.ApiKeyService.CreatedApiKey;
import io.accrue.subscription.apikey.ApiKeyService.RotateRequest;

/** An organisation's API keys: created, rotated and revoked by its owner or billing-admin, signed in with a token. */
@Path("/v1/accounts/{orgId}/api-keys")
@Tag(name = "API keys")
public class ApiKeyResource {

    private final ApiKeyService service;
    private final Caller caller;

    ApiKeyResource(ApiKeyService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "API keys of the organisation (never the keys themselves)")
    public CursorPage<ApiKeyView> list(@PathParam("orgId") String orgId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return service.page(orgId, cursor, limit);
    }

    @GET
    @Path("/{keyId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "One API key")
    public ApiKeyView get(@PathParam("orgId") String orgId, @PathParam("keyId") String keyId) {
        return service.get(orgId, uuid(keyId));
    }

    @POST
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Create an API key; the answer holds the key, shown this once")
    public Response create(@PathParam("orgId") String orgId, @NotNull @Valid ApiKeyDraft body) {
        requireHuman();
        CreatedApiKey created = service.create(orgId, body, caller.subject());
        return Response.created(URI.create("/v1/accounts/" + orgId + "/api-keys/" + created.apiKey().id()))
                .entity(created).build();
    }

    @POST
    @Path("/{keyId}/rotate")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Rotate an API key: a new key now, the old one valid for the overlap")
    public Response rotate(@PathParam("orgId") String orgId, @PathParam("keyId") String keyId,
            @Valid RotateRequest body) {
        requireHuman();
        CreatedApiKey created = service.rotate(orgId, uuid(keyId), body, caller.subject());
        return Response.created(URI.create("/v1/accounts/" + orgId + "/api-keys/" + created.apiKey().id()))
                .entity(created).build();
    }

    @DELETE
    @Path("/{keyId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Revoke an API key (every replica refuses it within 10 s)")
    public ApiKeyView revoke(@PathParam("orgId") String orgId, @PathParam("keyId") String keyId) {
        requireHuman();
        return service.revoke(orgId, uuid(keyId), caller.subject());
    }

    /** A key cannot mint, rotate or revoke keys: a leaked admin key must not be able to entrench itself. */
    private void requireHuman() {
        if (ApiKeyPrincipal.isKeySubject(caller.subject())) {
            throw ApiException.forbidden("api_key_not_allowed",
                    "API keys are managed with a signed-in token, not with an API key.");
        }
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiKeyService.notFound();
        }
    }
}
