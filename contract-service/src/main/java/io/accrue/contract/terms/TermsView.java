package io.accrue.contract.terms;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.accrue.contract.contracts.ContractViews.RateView;
import io.accrue.contract.money.Money;

/** The terms in effect at an instant, as docs/internal-apis.md promises invoice-service. */
public record TermsView(UUID contractId, int version, String status, String currency, Instant termStart,
        Instant termEnd, Instant effectiveEnd, Instant at, Commitment commitment, List<RateView> negotiatedRates,
        Money prepaidCreditBalance, List<MinimumTerm> minimums, String documentRef) {

    /** The commitment window containing {@code at}: its (possibly prorated) committed amount. */
    public record Commitment(Money amount, String period, Instant periodStart, Instant periodEnd) {}

    /**
     * A minimum spend and its window containing {@code at}: {@code amount} is the minimum of that window (prorated
     * by seconds when the window is a stub), {@code [periodStart, periodEnd)} the window.
     */
    public record MinimumTerm(String period, Money amount, Instant periodStart, Instant periodEnd) {}
}
