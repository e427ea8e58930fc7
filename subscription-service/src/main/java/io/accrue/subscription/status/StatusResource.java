package io.accrue.subscription.status;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.subscription.account.AccountRequests.AccountView;
import io.accrue.subscription.account.BillingAccountService;
import io.accrue.subscription.lifecycle.SubscriptionRequests.SubscriptionView;
import io.accrue.subscription.lifecycle.SubscriptionService;
import io.accrue.subscription.plan.PlanRequests.Entitlements;

@Path("/v1/accounts/{orgId}/status")
@Tag(name = "Status")
public class StatusResource {

    public record Status(String orgId, String planSlug, int planVersion, String status, Instant currentPeriodStart,
            Instant currentPeriodEnd, boolean cancelAtPeriodEnd, boolean meteredEnabled, String billingMode,
            UsageClient.Usage usage, Entitlements entitlements) {}

    private final SubscriptionService subscriptions;
    private final BillingAccountService accounts;
    private final UsageClient usage;

    StatusResource(SubscriptionService subscriptions, BillingAccountService accounts, UsageClient usage) {
        this.subscriptions = subscriptions;
        this.accounts = accounts;
        this.usage = usage;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Plan, status, period, this period's usage (usage may be marked unavailable; usage=false leaves it out) and the plan's entitlements")
    public Status get(@PathParam("orgId") String orgId,
            @QueryParam("usage") @Pattern(regexp = "true|false", message = "must be true or false") String usageParam) {
        boolean withUsage = !"false".equals(usageParam);
        AccountView account = accounts.get(orgId);
        SubscriptionView s = subscriptions.view(orgId);
        // Read outside the subscription transaction: a slow neighbour must not hold a row lock. usage=false (what
        // usage-service's quota and entitlement checks ask) leaves the counts out, so a status lookup made on
        // usage-service's hot path never calls usage-service back.
        UsageClient.Usage counts = withUsage
                ? usage.thisPeriod(orgId, s.currentPeriodStart(), s.currentPeriodEnd())
                : null;
        return new Status(orgId, s.plan().slug(), s.plan().version(), s.status(), s.currentPeriodStart(),
                s.currentPeriodEnd(), s.cancelAtPeriodEnd(), account.meteredEnabled(), s.billingMode(), counts,
                s.plan().entitlements());
    }
}
