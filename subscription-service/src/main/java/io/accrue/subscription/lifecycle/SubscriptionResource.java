package io.accrue.subscription.lifecycle;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.subscription.lifecycle.SubscriptionRequests.Cancel;
import io.accrue.subscription.lifecycle.SubscriptionRequests.ChangePlan;
import io.accrue.subscription.lifecycle.SubscriptionRequests.ChangeResult;
import io.accrue.subscription.lifecycle.SubscriptionRequests.EventView;
import io.accrue.subscription.lifecycle.SubscriptionRequests.SubscriptionView;
import io.accrue.subscription.lifecycle.SubscriptionRequests.SwitchBillingMode;
import io.accrue.subscription.lifecycle.SubscriptionRequests.SwitchCurrency;

@Path("/v1/accounts/{orgId}/subscription")
@Tag(name = "Subscription")
public class SubscriptionResource {

    private final SubscriptionService service;
    private final Caller caller;

    SubscriptionResource(SubscriptionService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "The subscription with its plan version")
    public SubscriptionView get(@PathParam("orgId") String orgId) {
        return service.view(orgId);
    }

    @GET
    @Path("/events")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.BILLING_SERVICE})
    @Operation(summary = "The append-only timeline, by effective time, [from, to)")
    public CursorPage<EventView> events(@PathParam("orgId") String orgId, @QueryParam("from") Instant from,
            @QueryParam("to") Instant to, @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return service.events(orgId, from, to, cursor, limit);
    }

    @POST
    @Path("/plan-change")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Upgrade or downgrade, now or at the period end (upgrades pass the spend gate)")
    public ChangeResult changePlan(@PathParam("orgId") String orgId, @NotNull @Valid ChangePlan body) {
        return service.changePlan(orgId, body, caller.subject());
    }

    @GET
    @Path("/plan-change/preview")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "What a plan change would do now (timing, proration, spend gate), without making it")
    public SubscriptionService.ChangePreview previewPlanChange(@PathParam("orgId") String orgId,
            @QueryParam("planSlug") @NotBlank String planSlug,
            @QueryParam("timing") @jakarta.validation.constraints.Pattern(regexp = "now|period_end") String timing) {
        return service.previewPlanChange(orgId, new ChangePlan(planSlug, timing));
    }

    @POST
    @Path("/cancel")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Cancel now or at the period end")
    public ChangeResult cancel(@PathParam("orgId") String orgId, @NotNull @Valid Cancel body) {
        return service.cancel(orgId, body, caller.subject());
    }

    @POST
    @Path("/reactivate")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Revoke a scheduled cancellation or restart a canceled subscription")
    public SubscriptionView reactivate(@PathParam("orgId") String orgId) {
        return service.reactivate(orgId, caller.subject());
    }

    @PUT
    @Path("/currency")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Switch currency from the next period")
    public SubscriptionView switchCurrency(@PathParam("orgId") String orgId, @NotNull @Valid SwitchCurrency body) {
        return service.switchCurrency(orgId, body.currency(), caller.subject());
    }

    @PUT
    @Path("/billing-mode")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Switch between flat and metered billing (needs a metered price)")
    public SubscriptionView switchBillingMode(@PathParam("orgId") String orgId,
            @NotNull @Valid SwitchBillingMode body) {
        return service.switchBillingMode(orgId, body.billingMode(), caller.subject());
    }
}
