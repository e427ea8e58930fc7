package io.accrue.subscription.dunning;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "accrue.dunning")
public interface DunningConfig {

    int pastDueDays();

    int graceDays();

    int suspendedDays();

    default DunningPolicy policy() {
        return new DunningPolicy(pastDueDays(), graceDays(), suspendedDays());
    }
}
