package io.accrue.contract.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.error.ApiException;
import io.accrue.contract.contracts.Contract;
import io.accrue.contract.contracts.ContractRepository;
import io.accrue.contract.contracts.ContractStatus;
import io.accrue.contract.contracts.ContractWindows;
import io.accrue.contract.drawdown.DrawdownRepository;
import io.accrue.contract.money.CommitmentWindow;
import io.accrue.contract.money.Credits;
import io.accrue.contract.money.Utilization;
import io.accrue.contract.trueup.TrueUp;
import io.accrue.contract.trueup.TrueUpRepository;
import io.accrue.contract.web.AtParameter;

/** Commitment utilization against actual consumption: per window of one contract, and per contract. */
@ApplicationScoped
public class UtilizationService {

    public record WindowView(Instant periodStart, Instant periodEnd, boolean partial, BigDecimal committed,
            BigDecimal consumed, BigDecimal remaining, BigDecimal overage, BigDecimal projectedConsumption,
            BigDecimal projectedShortfall, BigDecimal trueUpShortfall) {}

    public record CreditsView(BigDecimal granted, BigDecimal applied, BigDecimal balance) {}

    public record ContractUtilization(UUID contractId, String status, String currency, Instant at,
            WindowView current, List<WindowView> windows, BigDecimal committed, BigDecimal consumed,
            BigDecimal utilizationPercent, BigDecimal trueUpBilled, CreditsView prepaidCredits) {}

    private final ContractRepository contracts;
    private final ContractWindows windows;
    private final DrawdownRepository drawdowns;
    private final TrueUpRepository trueUps;
    private final io.accrue.contract.credits.CreditLedger credits;
    private final Clock clock;

    UtilizationService(ContractRepository contracts, ContractWindows windows, DrawdownRepository drawdowns,
            TrueUpRepository trueUps, io.accrue.contract.credits.CreditLedger credits, Clock clock) {
        this.contracts = contracts;
        this.credits = credits;
        this.windows = windows;
        this.drawdowns = drawdowns;
        this.trueUps = trueUps;
        this.clock = clock;
    }

    /** As seen at {@code at} (default now): the burn rate is consumption recorded so far over time elapsed at it. */
    public ContractUtilization of(String orgId, UUID contractId, String at) {
        Contract c = contracts.findInOrg(orgId, contractId).orElseThrow(() -> ApiException.notFound(
                "contract_not_found", "No contract " + contractId + " in this organisation."));
        return compute(c, AtParameter.parse(at, clock));
    }

    /** Every non-draft contract of the organisation, oldest term first. */
    public List<ContractUtilization> report(String orgId, String at) {
        Instant now = AtParameter.parse(at, clock);
        return contracts.list("orgId = ?1 and status <> ?2 order by termStart, id", orgId, ContractStatus.DRAFT)
                .stream().map(c -> compute(c, now)).toList();
    }

    ContractUtilization compute(Contract c, Instant at) {
        Map<Instant, BigDecimal> consumed = drawdowns.consumedByWindow(c.id);
        Map<Instant, TrueUp> settled = trueUps.ofContract(c.id).stream()
                .collect(Collectors.toMap(t -> t.windowStart, Function.identity()));
        List<WindowView> views = new ArrayList<>();
        WindowView current = null;
        BigDecimal committedTotal = BigDecimal.ZERO;
        BigDecimal consumedTotal = BigDecimal.ZERO;
        BigDecimal billed = BigDecimal.ZERO;
        for (CommitmentWindow w : windows.of(c)) {
            BigDecimal used = consumed.getOrDefault(w.start(), BigDecimal.ZERO);
            Utilization u = Utilization.of(w, used, at);
            TrueUp t = settled.get(w.start());
            WindowView view = new WindowView(w.start(), w.end(), w.isStub(), u.committed(), u.consumed(),
                    u.remaining(), u.overage(), u.projectedConsumption(), u.projectedShortfall(),
                    t == null ? null : t.shortfall);
            views.add(view);
            if (w.contains(at)) {
                current = view;
            }
            committedTotal = committedTotal.add(u.committed());
            consumedTotal = consumedTotal.add(u.consumed());
            if (t != null) {
                billed = billed.add(t.shortfall);
            }
        }
        BigDecimal percent = committedTotal.signum() == 0
                ? null
                : consumedTotal.multiply(BigDecimal.valueOf(100)).divide(committedTotal, 2, RoundingMode.HALF_UP);
        BigDecimal granted = windows.creditsGrantedAt(c, at);
        // applied net of what credit notes gave back; the balance also leaves out what open closes hold
        BigDecimal applied = credits.applied(c.id);
        return new ContractUtilization(c.id, c.status.wire(), c.currency, at, current, views, committedTotal,
                consumedTotal,
                percent, billed, new CreditsView(granted, applied, Credits.balance(granted, credits.committed(c.id))));
    }
}
