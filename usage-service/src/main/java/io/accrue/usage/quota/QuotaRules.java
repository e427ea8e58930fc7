package io.accrue.usage.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;

import io.accrue.usage.plans.Enforcement;
import io.accrue.usage.quota.QuotaRequests.Limits;
import io.accrue.usage.quota.QuotaRequests.Remaining;

/**
 * The quota rules, pure (no CDI, no SQL; table-tested in {@code QuotaRulesTest}). The first rule a call breaks, in
 * this order: the end user is blocked; the model is not on the plan's list; more than {@code burstPerMinute}
 * requests this minute; more than the daily requests; the daily tokens; the monthly tokens; the monthly cost cap.
 * Counts include open reservations. Request and token limits admit a call that lands exactly on the limit
 * ({@code used + this call > limit} breaks; a call estimated at 0 tokens counts as 1); the cost cap is reached once
 * the cost so far equals it ({@code used >= cap}), since a call's cost is only known afterwards.
 */
final class QuotaRules {

    private QuotaRules() {
    }

    /** The limits an end user is held to: their plan (or only a blocked flag when they have none). */
    record Plan(String slug, Enforcement enforcement, Long dailyTokens, Long monthlyTokens, Long dailyRequests,
            BigDecimal monthlyCost, Integer perMinute, String[] allowedModels, boolean blocked) {
        /** An end user without a plan who is blocked: only that rule applies. */
        static Plan blockedOnly() {
            return new Plan(null, Enforcement.BLOCK, null, null, null, null, null, new String[0], true);
        }

        Limits limits() {
            return new Limits(dailyTokens, monthlyTokens, dailyRequests, monthlyCost, perMinute);
        }
    }

    /** Used + reserved in the current windows. */
    record Usage(long dayTokens, long dayRequests, long monthTokens, BigDecimal monthCost, long minuteRequests) {}

    /** The UTC windows a moment falls in. */
    record Windows(Instant day, Instant month, Instant minute) {
        static Windows at(Instant now) {
            var utc = now.atZone(ZoneOffset.UTC);
            return new Windows(now.truncatedTo(ChronoUnit.DAYS),
                    utc.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.firstDayOfMonth()).toInstant(),
                    now.truncatedTo(ChronoUnit.MINUTES));
        }

        Instant reset(String window) {
            return switch (window) {
                case "minute" -> minute.plus(1, ChronoUnit.MINUTES);
                case "day" -> day.plus(1, ChronoUnit.DAYS);
                default -> month.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
            };
        }
    }

    /** A broken rule: its stable reason code, the window whose reset lifts it, and the detail for the caller. */
    record Breach(String reason, String window, String detail) {
        /** Refused with 403 rather than 429: waiting does not lift it. */
        boolean forbidden() {
            return "end_user_blocked".equals(reason) || "model_not_allowed".equals(reason);
        }
    }

    /** The first rule the call would break, or null. */
    static Breach breach(Plan p, Usage u, String model, long estimatedTokens) {
        if (p == null) {
            return null;
        }
        if (p.blocked()) {
            return new Breach("end_user_blocked", "day", "The end user is blocked.");
        }
        if (model != null && p.allowedModels().length > 0 && Arrays.stream(p.allowedModels())
                .noneMatch(m -> m.equalsIgnoreCase(model))) {
            return new Breach("model_not_allowed", "day",
                    "Model '" + model + "' is not allowed on plan '" + p.slug() + "'.");
        }
        if (p.perMinute() != null && u.minuteRequests() + 1 > p.perMinute()) {
            return new Breach("burst_limit", "minute", "More than " + p.perMinute() + " requests in this minute.");
        }
        if (p.dailyRequests() != null && u.dayRequests() + 1 > p.dailyRequests()) {
            return new Breach("daily_request_limit", "day", "The daily request limit is reached.");
        }
        long tokens = Math.max(estimatedTokens, 1);
        if (p.dailyTokens() != null && u.dayTokens() + tokens > p.dailyTokens()) {
            return new Breach("daily_token_limit", "day", "The daily token limit is reached.");
        }
        if (p.monthlyTokens() != null && u.monthTokens() + tokens > p.monthlyTokens()) {
            return new Breach("monthly_token_limit", "month", "The monthly token limit is reached.");
        }
        if (p.monthlyCost() != null && u.monthCost().compareTo(p.monthlyCost()) >= 0) {
            return new Breach("monthly_cost_cap", "month", "The monthly cost cap is reached.");
        }
        return null;
    }

    /** What is left in each limited window (never below zero). */
    static Remaining remaining(Plan p, Usage u) {
        return new Remaining(p.dailyTokens() == null ? null : Math.max(0, p.dailyTokens() - u.dayTokens()),
                p.monthlyTokens() == null ? null : Math.max(0, p.monthlyTokens() - u.monthTokens()),
                p.dailyRequests() == null ? null : Math.max(0, p.dailyRequests() - u.dayRequests()),
                p.monthlyCost() == null ? null : p.monthlyCost().subtract(u.monthCost()).max(BigDecimal.ZERO),
                p.perMinute() == null ? null : Math.max(0, p.perMinute() - u.minuteRequests()));
    }
}
