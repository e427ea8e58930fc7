package io.accrue.usage.budget;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/** Thin trigger; the alerts' unique key, not the scheduler, keeps replicas from firing an alert twice. */
@ApplicationScoped
public class BudgetEvaluationJob {

    private final BudgetEvaluator evaluator;

    BudgetEvaluationJob(BudgetEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    @Scheduled(every = "${accrue.usage.budgets.evaluate-every:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void evaluate() {
        evaluator.evaluate();
    }
}
