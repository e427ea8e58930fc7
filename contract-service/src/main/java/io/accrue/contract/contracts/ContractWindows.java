package io.accrue.contract.contracts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.contract.money.CommitmentPeriod;
import io.accrue.contract.money.CommitmentSchedule;
import io.accrue.contract.money.CommitmentWindow;

/** A contract's commitment windows and granted credits, read from its versions. */
@ApplicationScoped
public class ContractWindows {

    private final ContractVersionRepository versions;

    ContractWindows(ContractVersionRepository versions) {
        this.versions = versions;
    }

    public List<CommitmentWindow> of(Contract c) {
        List<ContractVersion> all = versions.ofContract(c.id);
        CommitmentPeriod period = CommitmentPeriod.of(all.get(0).commitmentPeriod);
        return CommitmentSchedule.windows(c.termStart, c.termEnd, c.effectiveEnd, period,
                start -> versionAt(all, start).commitmentAmount);
    }

    /**
     * The window of a minimum spend ({@code monthly | quarterly | annual}) containing {@code at}: windows step
     * from the term start exactly like commitment windows (stubs prorated by seconds), and each window's minimum
     * is the one of the version in effect at its start (an amendment applies from the next window), 0 if none.
     */
    public java.util.Optional<CommitmentWindow> minimumWindow(Contract c, String period, Instant at) {
        List<ContractVersion> all = versions.ofContract(c.id);
        List<CommitmentWindow> windows = CommitmentSchedule.windows(c.termStart, c.termEnd, c.effectiveEnd,
                CommitmentPeriod.of(period), start -> versionAt(all, start).minimums.stream()
                        .filter(m -> m.period.equals(period)).map(m -> m.amount).findFirst().orElse(BigDecimal.ZERO));
        return CommitmentSchedule.containing(windows, at);
    }

    /** The version in effect at {@code at}; before the term, the first one. */
    public ContractVersion versionAt(Contract c, Instant at) {
        return versionAt(versions.ofContract(c.id), at);
    }

    static ContractVersion versionAt(List<ContractVersion> all, Instant at) {
        return all.stream().filter(v -> !v.effectiveFrom.isAfter(at))
                .max(Comparator.comparing((ContractVersion v) -> v.effectiveFrom)).orElse(all.get(0));
    }

    public BigDecimal creditsGrantedAt(Contract c, Instant at) {
        return versionAt(c, at).prepaidCredits;
    }
}
