package io.accrue.usage.budget;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.usage.billingevent.BillingEventOutbox;

@Path("/v1/operator/budgets")
@Tag(name = "Budgets and alerts")
public class BudgetOperatorResource {

    private final BudgetEvaluator evaluator;
    private final BillingEventOutbox outbox;

    BudgetOperatorResource(BudgetEvaluator evaluator, BillingEventOutbox outbox) {
        this.evaluator = evaluator;
        this.outbox = outbox;
    }

    /** {@code publishesAttempted}: events sent to subscription-service's {@code /v1/billing-events} in this run. */
    public record RunResult(BudgetEvaluator.RoundResult evaluation, int publishesAttempted) {}

    @POST
    @Path("/run")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Evaluate every budget now, then publish the due billing events to subscription-service")
    public RunResult run() {
        BudgetEvaluator.RoundResult round = evaluator.evaluate();
        int attempted = 0;
        while (attempted < 500 && outbox.publishNext()) {
            attempted++;
        }
        return new RunResult(round, attempted);
    }
}
