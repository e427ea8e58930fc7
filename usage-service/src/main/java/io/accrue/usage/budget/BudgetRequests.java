package io.accrue.usage.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.accrue.usage.billingevent.BillingEventOutbox.Publication;

public final class BudgetRequests {

    private BudgetRequests() {
    }

    /**
     * A budget. {@code metric} {@code cost} or {@code revenue} takes {@code amount} and {@code currency};
     * {@code tokens} takes {@code tokenLimit}. {@code scope} is {@code organisation} (default), {@code end_user}
     * (with {@code endUserId}) or {@code each_end_user}. {@code thresholds} are percentages of the limit, default
     * 50, 80, 100.
     */
    public record BudgetRequest(
            @Size(max = 64) String slug,
            @NotBlank @Size(max = 200) String name,
            @Size(max = 8) @Pattern(regexp = "test|live", message = "must be test or live") String environment,
            @Size(max = 16) @Pattern(regexp = "organisation|end_user|each_end_user", message = "must be organisation, end_user or each_end_user") String scope,
            @Size(min = 1, max = 256) String endUserId,
            @NotNull @Size(max = 8) @Pattern(regexp = "cost|revenue|tokens", message = "must be cost, revenue or tokens") String metric,
            @DecimalMin(value = "0", inclusive = false) @Digits(integer = 18, fraction = 12) BigDecimal amount,
            @Size(max = 3) @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as USD") String currency,
            @Min(1) Long tokenLimit,
            @Size(min = 1, max = 10) List<@NotNull @Min(1) @Max(1000) Integer> thresholds) {}

    /** Where the budget stands in the current period (observed is null for each_end_user budgets). */
    public record PeriodStatus(Instant start, Instant end, BigDecimal observed, BigDecimal percentUsed,
            List<Integer> thresholdsReached, long alertsFired) {}

    public record BudgetView(UUID id, String slug, String name, String environment, String scope, String endUserId,
            String metric, BigDecimal amount, String currency, Long tokenLimit, List<Integer> thresholds,
            Instant createdAt, Instant updatedAt, PeriodStatus currentPeriod) {}

    /**
     * An alert: a threshold of a budget reached in a period, with where its {@code usage.threshold_reached} billing
     * event stands on its way to subscription-service ({@code publication}); the deliveries to the organisation's
     * webhook endpoints are in subscription-service's delivery log under the same {@code eventId}.
     */
    public record AlertView(UUID id, String eventId, UUID budgetId, String budget, String environment,
            String endUserId, String metric, int threshold, BigDecimal limit, BigDecimal observed, String currency,
            Instant periodStart, Instant periodEnd, Instant firedAt, Publication publication) {}
}
