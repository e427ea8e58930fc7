package io.accrue.contract.credits;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.contract.contracts.Contract;
import io.accrue.contract.contracts.ContractRepository;
import io.accrue.contract.contracts.ContractStatus;
import io.accrue.contract.contracts.ContractWindows;
import io.accrue.contract.credits.CreditRequests.ReservationView;
import io.accrue.contract.credits.CreditRequests.ReserveCredits;
import io.accrue.contract.credits.CreditRequests.ReturnCredits;
import io.accrue.contract.credits.CreditRequests.ReturnRecorded;
import io.accrue.contract.credits.CreditRequests.ReturnView;
import io.accrue.contract.drawdown.Drawdown;
import io.accrue.contract.drawdown.DrawdownRepository;
import io.accrue.contract.money.Amounts;
import io.accrue.contract.money.Credits;
import io.accrue.contract.money.MoneyInput;

/**
 * Reservations and returns of prepaid credits. Everything that moves a contract's credits (these, drawdowns) holds
 * the contract's row lock, so Σ applied + Σ held − Σ returned never exceeds the grant, whatever runs concurrently.
 */
@ApplicationScoped
public class CreditService {

    private final ContractRepository contracts;
    private final ContractWindows windows;
    private final CreditLedger ledger;
    private final DrawdownRepository drawdowns;
    private final Clock clock;

    CreditService(ContractRepository contracts, ContractWindows windows, CreditLedger ledger,
            DrawdownRepository drawdowns, Clock clock) {
        this.contracts = contracts;
        this.windows = windows;
        this.ledger = ledger;
        this.drawdowns = drawdowns;
        this.clock = clock;
    }

    /**
     * Holds {@code min(upTo, balance)} for the reference, the balance leaving out what the reference itself holds:
     * repeating the call (a close retried after a crash) resizes the same reservation instead of adding a second.
     * A consumed reservation answers as it is (its invoice is final).
     */
    @Transactional
    public ReservationView reserve(String orgId, UUID contractId, String reference, ReserveCredits request) {
        Contract c = lock(orgId, contractId);
        if (request.upTo().currency() != null && !request.upTo().currency().equals(c.currency)) {
            throw ApiException.unprocessable("currency_mismatch", "The contract is in " + c.currency + ".");
        }
        var existing = ledger.reservation(orgId, reference);
        if (existing.isPresent() && existing.get().status != CreditReservation.Status.HELD) {
            if (existing.get().status == CreditReservation.Status.CONSUMED) {
                return ReservationView.of(existing.get());
            }
            throw ApiException.conflict("reservation_released",
                    "The reservation '" + reference + "' was released; its period is not billed any more.");
        }
        Instant now = clock.instant();
        BigDecimal granted = windows.creditsGrantedAt(c, now);
        // a reference held on another contract (the period is governed by another one now) moves to this one
        BigDecimal others = ledger.applied(c.id).add(ledger.held(c.id, reference));
        BigDecimal amount = Credits.applicable(Credits.balance(granted, others), request.upTo().amount());
        CreditReservation r = existing.orElseGet(() -> {
            CreditReservation fresh = new CreditReservation();
            fresh.id = UUID.randomUUID();
            fresh.orgId = orgId;
            fresh.reference = reference;
            fresh.createdAt = now;
            fresh.status = CreditReservation.Status.HELD;
            return fresh;
        });
        r.contractId = c.id;
        r.currency = c.currency;
        r.amount = Amounts.stored(amount);
        r.updatedAt = now;
        if (existing.isEmpty()) {
            ledger.persist(r);
        }
        return ReservationView.of(r);
    }

    /** Gives held credits back (the period was written off). Idempotent; a consumed reservation cannot go back. */
    @Transactional
    public ReservationView release(String orgId, UUID contractId, String reference) {
        lock(orgId, contractId);
        CreditReservation r = ledger.reservation(orgId, reference).orElseThrow(() -> ApiException.notFound(
                "reservation_not_found", "No credit reservation '" + reference + "'."));
        if (r.status == CreditReservation.Status.CONSUMED) {
            throw ApiException.conflict("reservation_consumed",
                    "The reservation was consumed by invoice " + r.invoiceId + "; credit that invoice instead.");
        }
        if (r.status.mayMoveTo(CreditReservation.Status.RELEASED)) {
            r.status = CreditReservation.Status.RELEASED;
            r.updatedAt = clock.instant();
        }
        return ReservationView.of(r);
    }

    public List<ReservationView> reservations(String orgId, UUID contractId) {
        find(orgId, contractId);
        return ledger.reservations(contractId).stream().map(ReservationView::of).toList();
    }

    /**
     * Gives back what a credit note refunds, once per credit note: credits (over all credit notes of an invoice at
     * most what its drawdown applied) and commitment consumption (at most what its drawdown consumed), the latter
     * taken off the window the drawdown counted toward, so utilization and true-up see net spend.
     */
    @Transactional
    public ReturnRecorded giveBack(String orgId, UUID contractId, ReturnCredits request, String actor) {
        var earlier = ledger.creditReturn(orgId, request.creditNoteId());
        if (earlier.isPresent()) {
            return new ReturnRecorded(ReturnView.of(earlier.get()), true);
        }
        Contract c = lock(orgId, contractId);
        earlier = ledger.creditReturn(orgId, request.creditNoteId());
        if (earlier.isPresent()) {
            return new ReturnRecorded(ReturnView.of(earlier.get()), true);
        }
        BigDecimal consumption = request.consumption() == null ? BigDecimal.ZERO : request.consumption().amount();
        for (MoneyInput m : java.util.Arrays.asList(request.amount(), request.consumption())) {
            if (m != null && m.currency() != null && !m.currency().equals(c.currency)) {
                throw ApiException.unprocessable("currency_mismatch", "The contract is in " + c.currency + ".");
            }
        }
        if (request.amount().amount().signum() <= 0 && consumption.signum() <= 0) {
            throw ApiException.unprocessable("credit_return_invalid", "amount or consumption must be positive.");
        }
        Drawdown drawdown = drawdowns.findByInvoice(orgId, request.invoiceId())
                .filter(d -> d.contractId.equals(c.id))
                .orElseThrow(() -> ApiException.conflict("drawdown_not_recorded",
                        "No drawdown of invoice " + request.invoiceId() + " on this contract."));
        BigDecimal left = drawdown.creditsApplied.subtract(ledger.returnedFor(orgId, request.invoiceId()));
        if (request.amount().amount().compareTo(left) > 0) {
            throw new ApiException(422, "credit_return_exceeds_applied", "Unprocessable request",
                    "At most " + left.stripTrailingZeros().toPlainString() + " " + c.currency
                            + " of the credits this invoice applied can still be returned.",
                    Map.of("returnable", Map.of("amount", left.toPlainString(), "currency", c.currency)));
        }
        // what credit notes give back of an invoice's consumption never exceeds what its drawdown consumed
        BigDecimal consumedLeft = drawdown.amount.subtract(ledger.consumptionReturnedFor(orgId, request.invoiceId()));
        if (consumption.compareTo(consumedLeft) > 0) {
            throw new ApiException(422, "credit_return_exceeds_consumed", "Unprocessable request",
                    "At most " + consumedLeft.stripTrailingZeros().toPlainString() + " " + c.currency
                            + " of this invoice's commitment consumption can still be given back.",
                    Map.of("returnable", Map.of("amount", consumedLeft.toPlainString(), "currency", c.currency)));
        }
        CreditReturn r = new CreditReturn();
        r.id = UUID.randomUUID();
        r.contractId = c.id;
        r.orgId = orgId;
        r.creditNoteId = request.creditNoteId();
        r.invoiceId = request.invoiceId();
        r.currency = c.currency;
        r.amount = Amounts.stored(request.amount().amount());
        r.consumption = Amounts.stored(consumption);
        r.windowStart = consumption.signum() > 0 ? drawdown.windowStart : null;
        r.recordedAt = clock.instant();
        r.recordedBy = actor;
        ledger.persist(r);
        return new ReturnRecorded(ReturnView.of(r), false);
    }

    public List<ReturnView> returns(String orgId, UUID contractId) {
        find(orgId, contractId);
        return ledger.returns(contractId).stream().map(ReturnView::of).toList();
    }

    private Contract lock(String orgId, UUID contractId) {
        Contract c = contracts.lockInOrg(orgId, contractId).orElseThrow(() -> notFound(contractId));
        if (c.status == ContractStatus.DRAFT) {
            throw ApiException.conflict("contract_not_active", "A draft contract has no credits to move.");
        }
        return c;
    }

    private Contract find(String orgId, UUID contractId) {
        return contracts.findInOrg(orgId, contractId).orElseThrow(() -> notFound(contractId));
    }

    private static ApiException notFound(UUID contractId) {
        return ApiException.notFound("contract_not_found", "No contract " + contractId + " in this organisation.");
    }
}
