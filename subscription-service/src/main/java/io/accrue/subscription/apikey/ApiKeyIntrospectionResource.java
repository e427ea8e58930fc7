package io.accrue.subscription.apikey;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.common.security.apikey.ApiKeyGrant;

/**
 * How the other services verify a key (common's {@code RemoteApiKeyVerifier}): by its SHA-256, so the key itself
 * never travels between services. Suite-internal: {@code billing-service} only.
 */
@Path("/v1/api-keys/introspect")
@Tag(name = "API keys")
public class ApiKeyIntrospectionResource {

    public record IntrospectRequest(@NotNull @Size(max = 64) @Pattern(regexp = "[0-9a-f]{64}") String keyHash) {}

    private final ApiKeyService service;

    ApiKeyIntrospectionResource(ApiKeyService service) {
        this.service = service;
    }

    @POST
    @RolesAllowed(Roles.BILLING_SERVICE)
    @Operation(summary = "What a valid API key grants (404 for an unknown, revoked or expired key)")
    public ApiKeyGrant introspect(@NotNull @Valid IntrospectRequest body) {
        return service.verify(body.keyHash()).orElseThrow(() -> io.accrue.common.error.ApiException.notFound(
                "api_key_invalid", "No valid API key has this hash."));
    }
}
