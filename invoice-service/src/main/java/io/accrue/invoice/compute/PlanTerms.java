package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The priced parts of one plan version, as the calculator needs them.
 *
 * @param billingModel flat | pay_per_token | tiered | metered | enterprise
 * @param basePrice the fee for a whole period, in {@code currency}
 * @param allowances included quantity per meter for the period (llm_tokens, agent_sessions, …)
 * @param overage graduated, package-rounded prices for usage above the allowance, per meter
 * @param tokensBilledByStripe the account is in metered billing mode: Stripe charges its LLM tokens through the
 *        plan's metered price (usage-service reports them as meter events), so Accrue's invoice charges none
 */
public record PlanTerms(String slug, int version, String billingModel, String currency, BigDecimal basePrice,
        Map<String, Long> allowances, List<OverageRule> overage, boolean tokensBilledByStripe) {

    public PlanTerms {
        allowances = allowances == null ? Map.of() : Map.copyOf(allowances);
        overage = overage == null ? List.of() : List.copyOf(overage);
        basePrice = basePrice == null ? BigDecimal.ZERO : basePrice;
    }

    public PlanTerms(String slug, int version, String billingModel, String currency, BigDecimal basePrice,
            Map<String, Long> allowances, List<OverageRule> overage) {
        this(slug, version, billingModel, currency, basePrice, allowances, overage, false);
    }

    /** Whether LLM usage is billed per model at provider cost plus markup. */
    public boolean billsUsageAtCostPlus() {
        return !tokensBilledByStripe && pricesTokensPerModel();
    }

    /** Whether a meter's overage rule charges: never for tokens priced per model or billed by Stripe (no twice). */
    public boolean chargesOverageOf(String meter) {
        return !"llm_tokens".equals(meter) || !(tokensBilledByStripe || pricesTokensPerModel());
    }

    private boolean pricesTokensPerModel() {
        return switch (billingModel) {
            case "pay_per_token", "metered", "enterprise" -> true;
            default -> false;
        };
    }

    /** Flat plans charge the base fee only; every other model prices usage above allowances. */
    public boolean billsOverage() {
        return !"flat".equals(billingModel);
    }

    /** This plan for an account in metered billing mode: the base fee and other meters stay, the tokens go. */
    public PlanTerms withoutTokenCharges() {
        return new PlanTerms(slug, version, billingModel, currency, basePrice, allowances, overage, true);
    }

    /**
     * @param packageSize units sold together; a started package is charged whole
     * @param tiers graduated: each tier prices the packages that fall inside it
     */
    public record OverageRule(String meter, long packageSize, List<Tier> tiers) {
        public OverageRule {
            if (packageSize < 1) {
                throw new IllegalArgumentException("packageSize must be at least 1");
            }
            tiers = List.copyOf(tiers);
        }
    }

    /** @param upTo upper bound in meter units of overage (inclusive), or null for the last tier */
    public record Tier(Long upTo, BigDecimal unitAmount) {}
}
