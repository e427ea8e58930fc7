package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.util.List;

import io.accrue.invoice.fx.CostConversion;

/**
 * Usage of one organisation over a half-open period, as usage-service summarises it (unrounded money).
 *
 * @param costConversion how {@code cost} (in the pricing catalog's currency) converts into the invoice currency,
 *        or null when it is already in it
 */
public record UsageTotals(long totalTokens, long requests, long agentSessions, long toolCalls, BigDecimal cost,
        List<ModelUsage> byModel, CostConversion costConversion) {

    public static final UsageTotals NONE = new UsageTotals(0, 0, 0, 0, BigDecimal.ZERO, List.of());

    public UsageTotals {
        byModel = byModel == null ? List.of() : List.copyOf(byModel);
        cost = cost == null ? BigDecimal.ZERO : cost;
    }

    /** Usage whose cost is in the invoice currency. */
    public UsageTotals(long totalTokens, long requests, long agentSessions, long toolCalls, BigDecimal cost,
            List<ModelUsage> byModel) {
        this(totalTokens, requests, agentSessions, toolCalls, cost, byModel, null);
    }

    /** The quantity of a plan meter; an unknown meter is a configuration error, never silently zero. */
    public long meter(String meter) {
        return switch (meter) {
            case "llm_tokens" -> totalTokens;
            case "agent_sessions" -> agentSessions;
            case "tool_calls" -> toolCalls;
            case "requests" -> requests;
            default -> throw new IllegalArgumentException("unknown meter " + meter);
        };
    }

    /**
     * A model's usage; {@code dimensions} is what each priced dimension of it cost (usage-service's summary), their
     * costs summing exactly to {@code cost}; empty when the summary gave none.
     */
    public record ModelUsage(String model, String provider, long totalTokens, BigDecimal cost,
            List<DimensionUsage> dimensions) {

        public ModelUsage {
            dimensions = dimensions == null ? List.of() : List.copyOf(dimensions);
        }

        public ModelUsage(String model, String provider, long totalTokens, BigDecimal cost) {
            this(model, provider, totalTokens, cost, List.of());
        }
    }

    /**
     * One priced dimension of a model's usage: the price key as it applied ({@code input}, {@code cache_write_1h},
     * {@code input>200000}, {@code batch:output}, {@code unit.image}, {@code request}; {@code tokens} for usage
     * recorded before usage-service kept costs per dimension), its kind ({@code tokens}, {@code units},
     * {@code requests}), how many and their provider cost (unrounded, in the catalog's currency).
     */
    public record DimensionUsage(String dimension, String kind, long quantity, BigDecimal cost) {}
}
