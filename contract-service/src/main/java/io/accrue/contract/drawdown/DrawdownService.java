package io.accrue.contract.drawdown;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.contract.contracts.Contract;
import io.accrue.contract.contracts.ContractRepository;
import io.accrue.contract.contracts.ContractStatus;
import io.accrue.contract.contracts.ContractWindows;
import io.accrue.contract.contracts.Violations;
import io.accrue.contract.credits.CreditLedger;
import io.accrue.contract.credits.CreditReservation;
import io.accrue.contract.drawdown.DrawdownRequests.DrawdownView;
import io.accrue.contract.drawdown.DrawdownRequests.RecordDrawdown;
import io.accrue.contract.drawdown.DrawdownRequests.Recorded;
import io.accrue.contract.money.Amounts;
import io.accrue.contract.money.CommitmentSchedule;
import io.accrue.contract.money.CommitmentWindow;
import io.accrue.contract.money.Credits;
import io.accrue.contract.trueup.TrueUpRepository;

/**
 * Records consumption against a contract, once per invoice. A replay (same organisation and invoice id)
 * answers the first result, whatever it carries: invoice-service retries after timeouts and must get the
 * same answer. Drawdowns of one contract are serialised by a row lock on the contract, so the credit
 * balance check cannot be raced; true-ups take the same lock.
 */
@ApplicationScoped
public class DrawdownService {

    private final DrawdownRepository drawdowns;
    private final ContractRepository contracts;
    private final ContractWindows windows;
    private final TrueUpRepository trueUps;
    private final CreditLedger credits;
    private final Clock clock;

    DrawdownService(DrawdownRepository drawdowns, ContractRepository contracts, ContractWindows windows,
            TrueUpRepository trueUps, CreditLedger credits, Clock clock) {
        this.drawdowns = drawdowns;
        this.credits = credits;
        this.contracts = contracts;
        this.windows = windows;
        this.trueUps = trueUps;
        this.clock = clock;
    }

    @Transactional
    public Recorded record(String orgId, UUID contractId, RecordDrawdown request, String actor) {
        var earlier = drawdowns.findByInvoice(orgId, request.invoiceId());
        if (earlier.isPresent()) {
            return new Recorded(DrawdownView.of(earlier.get()), true);
        }
        Contract c = contracts.lockInOrg(orgId, contractId).orElseThrow(() -> ApiException.notFound(
                "contract_not_found", "No contract " + contractId + " in this organisation."));
        // a concurrent first post of the same invoice held the lock before us: answer its result
        earlier = drawdowns.findByInvoice(orgId, request.invoiceId());
        if (earlier.isPresent()) {
            return new Recorded(DrawdownView.of(earlier.get()), true);
        }
        if (c.status == ContractStatus.DRAFT) {
            throw ApiException.conflict("contract_not_active", "A draft contract cannot record consumption.");
        }
        // credits pay the whole invoice (base fee included), so they may exceed the consumption drawn
        BigDecimal amount = request.amount().amount();
        BigDecimal credits = DrawdownRequests.amountOrZero(request.creditsApplied());
        Violations v = new Violations();
        if (!request.periodStart().isBefore(request.periodEnd())) {
            v.add("invalid_period", "periodEnd", "must be after periodStart");
        } else if (!request.periodStart().isBefore(c.effectiveEnd) || !request.periodEnd().isAfter(c.termStart)) {
            v.add("period_outside_term", "periodStart", "the period does not overlap the contract's term ["
                    + c.termStart + ", " + c.effectiveEnd + ")");
        }
        if (request.amount().currency() != null && !request.amount().currency().equals(c.currency)) {
            v.add("currency_mismatch", "amount.currency", "the contract is in " + c.currency);
        }
        if (request.creditsApplied() != null && request.creditsApplied().currency() != null
                && !request.creditsApplied().currency().equals(c.currency)) {
            v.add("currency_mismatch", "creditsApplied.currency", "the contract is in " + c.currency);
        }
        v.throwIfAny();

        Instant now = clock.instant();
        // the close reserved these credits before finalising the invoice: its own reservation is available to it
        Optional<CreditReservation> reserved = request.reservation() == null
                ? Optional.empty()
                : this.credits.reservation(orgId, request.reservation())
                        .filter(r -> r.status == CreditReservation.Status.HELD && r.contractId.equals(c.id));
        BigDecimal balance = Credits.balance(windows.creditsGrantedAt(c, now),
                this.credits.committed(c.id).subtract(reserved.map(r -> r.amount).orElse(BigDecimal.ZERO)));
        if (credits.compareTo(balance) > 0) {
            throw new ApiException(422, "insufficient_credits", "Unprocessable request",
                    "creditsApplied exceeds the prepaid credit balance of " + balance.toPlainString() + " "
                            + c.currency,
                    Map.of("balance", Map.of("amount", balance.toPlainString(), "currency", c.currency)));
        }
        Instant attributedAt = request.periodStart().isBefore(c.termStart) ? c.termStart : request.periodStart();
        List<CommitmentWindow> all = windows.of(c);
        CommitmentWindow window = CommitmentSchedule.containing(all, attributedAt).orElseThrow(
                () -> ApiException.unprocessable("period_outside_term", "The period is outside the term."));

        Drawdown d = new Drawdown();
        d.id = UUID.randomUUID();
        d.contractId = c.id;
        d.orgId = orgId;
        d.invoiceId = request.invoiceId();
        d.periodStart = request.periodStart();
        d.periodEnd = request.periodEnd();
        d.windowStart = window.start();
        d.currency = c.currency;
        d.amount = Amounts.stored(amount);
        d.creditsApplied = Amounts.stored(credits);
        d.recordedAt = now;
        d.recordedBy = actor;
        // accepted even after the settlement (a billing run must not fail on it), and flagged as outside it
        d.afterTrueUp = trueUps.exists(c.id, window.start());
        d.reservation = reserved.map(r -> r.reference).orElse(null);
        if (!drawdowns.insertIfAbsent(d)) {
            // the same invoice id was recorded concurrently against another contract of this organisation
            return new Recorded(DrawdownView.of(drawdowns.findByInvoice(orgId, request.invoiceId()).orElseThrow()),
                    true);
        }
        reserved.ifPresent(r -> {
            r.status = CreditReservation.Status.CONSUMED;
            r.invoiceId = request.invoiceId();
            r.updatedAt = now;
        });
        return new Recorded(DrawdownView.of(drawdowns.findByInvoice(orgId, request.invoiceId()).orElseThrow()), false);
    }

    public List<DrawdownView> list(String orgId, UUID contractId) {
        contracts.findInOrg(orgId, contractId).orElseThrow(() -> ApiException.notFound("contract_not_found",
                "No contract " + contractId + " in this organisation."));
        return drawdowns.ofContract(contractId).stream().map(DrawdownView::of).toList();
    }
}
