package io.accrue.usage.pricing;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.usage.pricing.PricingRequests.AddAlias;
import io.accrue.usage.pricing.PricingRequests.CreateModel;
import io.accrue.usage.pricing.PricingRequests.CreateProvider;
import io.accrue.usage.pricing.PricingRequests.ImportResult;
import io.accrue.usage.pricing.PricingRequests.ModelDetail;
import io.accrue.usage.pricing.PricingRequests.ModelView;
import io.accrue.usage.pricing.PricingRequests.PriceVersionRequest;
import io.accrue.usage.pricing.PricingRequests.PriceVersionView;
import io.accrue.usage.pricing.PricingRequests.ProviderView;

/** The model pricing catalog: readable by every authenticated role, written by the platform operator only. */
@Path("/v1/pricing")
@Tag(name = "Pricing catalog")
public class PricingResource {

    private final PricingService service;
    private final Caller caller;

    PricingResource(PricingService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Path("/providers")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.USAGE_REPORTER,
            Roles.BILLING_SERVICE})
    @Operation(summary = "List model providers")
    public java.util.List<ProviderView> providers() {
        return service.providers();
    }

    @POST
    @Path("/providers")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Add a model provider")
    public Response createProvider(@NotNull @Valid CreateProvider request) {
        ProviderView p = service.createProvider(request);
        return Response.created(URI.create("/v1/pricing/providers/" + p.id())).entity(p).build();
    }

    @GET
    @Path("/models")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.USAGE_REPORTER,
            Roles.BILLING_SERVICE})
    @Operation(summary = "List models with their aliases and the price in effect now (cursor page)")
    public CursorPage<ModelView> models(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit,
            @QueryParam("provider") String provider) {
        return service.models(cursor, limit, provider);
    }

    @POST
    @Path("/models")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Add a model under its canonical id, with aliases")
    public Response createModel(@NotNull @Valid CreateModel request) {
        ModelDetail m = service.createModel(request);
        return Response.created(URI.create("/v1/pricing/models/" + m.id())).entity(m).build();
    }

    @GET
    @Path("/models/{model}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.USAGE_REPORTER,
            Roles.BILLING_SERVICE})
    @Operation(summary = "Read a model (by canonical id or any alias) with all its price versions")
    public ModelDetail model(@PathParam("model") String model) {
        return service.model(model);
    }

    @POST
    @Path("/models/{model}/aliases")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Add a spelling of a model")
    public ModelDetail addAlias(@PathParam("model") String model, @NotNull @Valid AddAlias request) {
        return service.addAlias(model, request);
    }

    @GET
    @Path("/models/{model}/price")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.USAGE_REPORTER,
            Roles.BILLING_SERVICE})
    @Operation(summary = "The price version in effect at an instant (default now)")
    public PriceVersionView priceAt(@PathParam("model") String model, @QueryParam("at") Instant at) {
        return service.priceAt(model, at);
    }

    @POST
    @Path("/models/{model}/price-versions")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Schedule a new price version (starts at least the minimum lead ahead)")
    public Response addVersion(@PathParam("model") String model, @NotNull @Valid PriceVersionRequest request) {
        PriceVersionView v = service.addVersion(model, request, caller.subject());
        return Response.created(URI.create("/v1/pricing/models/" + v.modelId() + "/price-versions/" + v.id()))
                .entity(v).build();
    }

    @PUT
    @Path("/models/{model}/price-versions/{versionId}")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Replace a price version that has not taken effect (409 price_version_immutable otherwise)")
    public PriceVersionView replaceVersion(@PathParam("model") String model, @PathParam("versionId") UUID versionId,
            @NotNull @Valid PriceVersionRequest request) {
        return service.replaceVersion(model, versionId, request);
    }

    @DELETE
    @Path("/models/{model}/price-versions/{versionId}")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Withdraw a price version that has not taken effect")
    public Response deleteVersion(@PathParam("model") String model, @PathParam("versionId") UUID versionId) {
        service.deleteVersion(model, versionId);
        return Response.noContent().build();
    }

    @POST
    @Path("/import/litellm")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Import LiteLLM's model_prices_and_context_window.json (batched, idempotent, resumable; replaceManual=true replaces prices set by hand)")
    public ImportResult importLiteLlm(JsonNode body, @QueryParam("effectiveFrom") Instant effectiveFrom,
            @QueryParam("currency") String currency, @QueryParam("replaceManual") boolean replaceManual) {
        return service.importLiteLlm(body, effectiveFrom, currency, replaceManual, caller.subject());
    }

    @GET
    @Path("/export/litellm")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.USAGE_REPORTER,
            Roles.BILLING_SERVICE})
    @Operation(summary = "Export the prices in effect at an instant (default now) as LiteLLM JSON")
    public ObjectNode exportLiteLlm(@QueryParam("at") Instant at) {
        return service.exportLiteLlm(at);
    }
}
