package io.accrue.contract.terms;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.error.ApiException;
import io.accrue.contract.contracts.Contract;
import io.accrue.contract.contracts.ContractRepository;
import io.accrue.contract.contracts.ContractVersion;
import io.accrue.contract.contracts.ContractViews.RateView;
import io.accrue.contract.contracts.ContractWindows;
import io.accrue.contract.credits.CreditLedger;
import io.accrue.contract.money.CommitmentSchedule;
import io.accrue.contract.money.CommitmentWindow;
import io.accrue.contract.money.Credits;
import io.accrue.contract.money.Money;
import io.accrue.contract.web.AtParameter;

/**
 * Answers "which terms governed this organisation at this instant". Any non-draft contract whose governed
 * span {@code [termStart, effectiveEnd)} contains the instant answers, including one since expired,
 * terminated or renewed: invoice-service closes a period after it ends and must see the terms as they were.
 */
@ApplicationScoped
public class TermsService {

    private final ContractRepository contracts;
    private final ContractWindows windows;
    private final CreditLedger credits;
    private final Clock clock;

    TermsService(ContractRepository contracts, ContractWindows windows, CreditLedger credits, Clock clock) {
        this.contracts = contracts;
        this.windows = windows;
        this.credits = credits;
        this.clock = clock;
    }

    public TermsView at(String orgId, String atParam) {
        Instant at = AtParameter.parse(atParam, clock);
        Contract c = contracts.governing(orgId, at).orElseThrow(() -> ApiException.notFound("no_active_contract",
                "No contract of this organisation is in effect at " + at + "."));
        ContractVersion v = windows.versionAt(c, at);
        CommitmentWindow w = CommitmentSchedule.containing(windows.of(c), at).orElseThrow();
        // held reservations count as spent: a close never sees credits an unfinished earlier close set aside
        var balance = Credits.balance(v.prepaidCredits, credits.committed(c.id));
        return new TermsView(c.id, v.number, c.status.wire(), c.currency, c.termStart, c.termEnd, c.effectiveEnd, at,
                new TermsView.Commitment(Money.of(w.committed(), c.currency), v.commitmentPeriod, w.start(), w.end()),
                v.rates.stream().map(RateView::of).toList(), Money.of(balance, c.currency),
                v.minimums.stream().map(m -> windows.minimumWindow(c, m.period, at)
                        .filter(mw -> mw.committed().signum() > 0)
                        .map(mw -> new TermsView.MinimumTerm(m.period, Money.of(mw.committed(), c.currency),
                                mw.start(), mw.end())))
                        .flatMap(java.util.Optional::stream).toList(),
                v.documentRef);
    }
}
