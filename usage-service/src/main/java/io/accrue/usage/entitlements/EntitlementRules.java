package io.accrue.usage.entitlements;

import java.util.List;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import io.accrue.usage.client.AccountStatus;
import io.accrue.usage.entitlements.EntitlementView.Kind;

/**
 * What a plan's entitlements answer for a name, pure (table-tested in {@code EntitlementRulesTest}). An account that
 * is suspended or canceled is entitled to nothing (its plan's names are still listed, not entitled), so a platform
 * that gates paid features on this check stops them with the usage. A metered limit is entitled while the period's
 * usage is below it ({@code used < limit}, the same boundary as a reservation that would take the last unit).
 */
final class EntitlementRules {

    private EntitlementRules() {
    }

    static EntitlementView answer(AccountStatus account, String name, ToLongFunction<String> usedOfMeter) {
        var e = account.entitlements();
        boolean standing = !account.suspended();
        if (e.features().contains(name)) {
            return new EntitlementView(name, Kind.feature, standing, null, null, null, null);
        }
        Long limit = e.limits().get(name);
        if (limit != null) {
            long used = usedOfMeter.applyAsLong(name);
            return new EntitlementView(name, Kind.limit, standing && used < limit, limit, used,
                    Math.max(0, limit - used), null);
        }
        String value = e.config().get(name);
        if (value != null) {
            return new EntitlementView(name, Kind.config, standing, null, null, null, value);
        }
        return new EntitlementView(name, Kind.feature, false, null, null, null, null);
    }

    /** Every name of the plan, sorted within features, limits and config. */
    static List<EntitlementView> all(AccountStatus account, ToLongFunction<String> usedOfMeter) {
        var e = account.entitlements();
        return Stream.of(e.features(), e.limits().keySet(), e.config().keySet())
                .flatMap(names -> new TreeSet<>(names).stream())
                .map(name -> answer(account, name, usedOfMeter))
                .toList();
    }
}
