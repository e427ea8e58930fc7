package io.accrue.contract.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.accrue.contract.contracts.ContractRequests.MinimumInput;
import io.accrue.contract.contracts.ContractRequests.RateInput;

/** Cross-field rules of contract content that bean validation cannot express. */
final class DraftRules {

    /** Long enough for any multi-year deal; longer is a typo (a year 20260 end date). */
    static final Duration MAX_TERM = Duration.ofDays(366L * 10);
    static final java.math.BigDecimal HUNDRED = java.math.BigDecimal.valueOf(100);
    /** The plan meters invoice-service prices (billing-rules "Invoices", rule 4). */
    static final List<String> METERS = List.of("llm_tokens", "agent_sessions", "tool_calls", "requests");

    private DraftRules() {
    }

    static void currency(String code, Violations v) {
        try {
            Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            v.add("unknown_currency", "currency", "'" + code + "' is not an ISO-4217 currency");
        }
    }

    static void term(Instant start, Instant end, Violations v) {
        if (!start.isBefore(end)) {
            v.add("invalid_term", "termEnd", "must be after termStart");
        } else if (Duration.between(start, end).compareTo(MAX_TERM) > 0) {
            v.add("invalid_term", "termEnd", "a term may last at most 10 years");
        }
    }

    static void rates(List<RateInput> rates, Violations v) {
        if (rates == null) {
            return;
        }
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < rates.size(); i++) {
            RateInput r = rates.get(i);
            String field = "negotiatedRates[" + i + "]";
            if ((r.model() == null) == (r.meter() == null)) {
                v.add("invalid_rate", field, "must name exactly one of model and meter");
                continue;
            }
            if (r.meter() != null && !METERS.contains(r.meter())) {
                // invoice-service bills these four meters only: a rate for any other would be stored and ignored
                v.add("invalid_rate", field + ".meter", "must be one of " + METERS);
                continue;
            }
            if ("discount_percent".equals(r.kind()) && r.value().compareTo(HUNDRED) > 0) {
                v.add("invalid_rate", field + ".value", "a discount is at most 100 percent");
            }
            String target = r.model() != null ? "model:" + r.model() : "meter:" + r.meter();
            if (!targets.add(target)) {
                v.add("duplicate_rate", field, "a second rate for the same " + target.replace(':', ' '));
            }
        }
    }

    static void minimums(List<MinimumInput> minimums, Violations v) {
        if (minimums == null) {
            return;
        }
        Set<String> periods = new HashSet<>();
        for (int i = 0; i < minimums.size(); i++) {
            if (!periods.add(minimums.get(i).period())) {
                v.add("duplicate_minimum", "minimums[" + i + "].period", "one minimum per period");
            }
        }
    }
}
