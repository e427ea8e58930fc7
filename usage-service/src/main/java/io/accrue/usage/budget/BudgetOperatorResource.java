package io.accrue.usage.budget;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.usage.webhook.WebhookOutbox;

@Path("/v1/operator/budgets")
@Tag(name = "Budgets and alerts")
public class BudgetOperatorResource {

    private final BudgetEvaluator evaluator;
    private final WebhookOutbox outbox;

    BudgetOperatorResource(BudgetEvaluator evaluator, WebhookOutbox outbox) {
        this.evaluator = evaluator;
        this.outbox = outbox;
    }

    public record RunResult(BudgetEvaluator.RoundResult evaluation, int deliveriesAttempted) {}

    @POST
    @Path("/run")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Evaluate every budget now, then attempt the webhook deliveries that are due")
    public RunResult run() {
        BudgetEvaluator.RoundResult round = evaluator.evaluate();
        int attempted = 0;
        while (attempted < 500 && outbox.sendNext()) {
            attempted++;
        }
        return new RunResult(round, attempted);
    }
}
