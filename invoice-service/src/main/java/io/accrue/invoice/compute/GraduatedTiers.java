package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import io.accrue.invoice.compute.PlanTerms.Tier;

/**
 * Graduated, package-rounded overage. The overage (units above the allowance) is first rounded UP to whole
 * packages, once; those packages then fill the tiers in order, each tier charging its own price per package
 * for the packages inside it. A tier's {@code upTo} counts overage units and converts to packages by rounding
 * up as well, so a tier boundary never splits a package.
 */
public final class GraduatedTiers {

    private GraduatedTiers() {
    }

    /** The packages charged in one tier, at that tier's price per package. */
    public record TierCharge(int tier, long packages, BigDecimal unitAmount) {
        public BigDecimal exactAmount() {
            return unitAmount.multiply(BigDecimal.valueOf(packages));
        }
    }

    public static long packages(long units, long packageSize) {
        if (units <= 0) {
            return 0;
        }
        return Math.ceilDiv(units, packageSize);
    }

    public static List<TierCharge> charge(long overageUnits, long packageSize, List<Tier> tiers) {
        long remaining = packages(overageUnits, packageSize);
        List<TierCharge> charges = new ArrayList<>();
        long previousBound = 0;
        for (int i = 0; i < tiers.size() && remaining > 0; i++) {
            Tier tier = tiers.get(i);
            long inTier = remaining;
            if (tier.upTo() != null) {
                long bound = packages(tier.upTo(), packageSize);
                inTier = Math.min(remaining, Math.max(0, bound - previousBound));
                previousBound = Math.max(previousBound, bound);
            }
            if (inTier > 0) {
                charges.add(new TierCharge(i + 1, inTier, tier.unitAmount()));
                remaining -= inTier;
            }
        }
        if (remaining > 0) {
            // a price list that ends with a bounded tier cannot price this usage: refuse rather than give it away
            throw new IllegalArgumentException("overage exceeds the last tier; the last tier must be unbounded");
        }
        return charges;
    }

    /**
     * The tiers' charge for {@code more} overage units that come after {@code already} units charged earlier in the
     * same period (by an earlier plan segment): {@code charge(already + more) − charge(already)}, tier by tier. The
     * tiers continue where the earlier usage left them, so splitting a period into segments never restarts the first
     * (cheapest or most expensive) tier, and started packages are never charged twice.
     */
    public static List<TierCharge> chargeAfter(long already, long more, long packageSize, List<Tier> tiers) {
        List<TierCharge> before = already <= 0 ? List.of() : charge(already, packageSize, tiers);
        List<TierCharge> after = charge(Math.max(0, already) + more, packageSize, tiers);
        List<TierCharge> increment = new ArrayList<>();
        for (TierCharge a : after) {
            long earlier = before.stream().filter(b -> b.tier() == a.tier()).mapToLong(TierCharge::packages).sum();
            if (a.packages() > earlier) {
                increment.add(new TierCharge(a.tier(), a.packages() - earlier, a.unitAmount()));
            }
        }
        return increment;
    }
}
