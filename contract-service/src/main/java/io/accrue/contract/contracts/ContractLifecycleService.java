package io.accrue.contract.contracts;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.contract.contracts.ContractRequests.Amendment;
import io.accrue.contract.contracts.ContractRequests.Renewal;
import io.accrue.contract.contracts.ContractRequests.Termination;
import io.accrue.contract.contracts.ContractViews.ContractView;
import io.accrue.contract.money.Amounts;

/**
 * {@code draft → active → expired | terminated | renewed}, amendments as new versions, each move audited
 * with its author and reason. Moves of one organisation's contracts are serialised by a transaction-scoped
 * advisory lock, so the overlap check cannot race; the exclusion constraint {@code contracts_no_overlap}
 * is the backstop if anything ever bypasses this class.
 */
@ApplicationScoped
public class ContractLifecycleService {

    static final String SYSTEM = "system";

    private final ContractService contractsService;
    private final ContractRepository contracts;
    private final ContractVersionRepository versions;
    private final EntityManager em;
    private final Clock clock;

    ContractLifecycleService(ContractService contractsService, ContractRepository contracts,
            ContractVersionRepository versions, EntityManager em, Clock clock) {
        this.contractsService = contractsService;
        this.contracts = contracts;
        this.versions = versions;
        this.em = em;
        this.clock = clock;
    }

    @Transactional
    public ContractView activate(String orgId, UUID id, String reason, String actor) {
        lockOrganisation(orgId);
        Contract c = contractsService.lock(orgId, id);
        requireStatus(c, ContractStatus.DRAFT, "activate");
        Instant now = clock.instant();
        if (!c.termEnd.isAfter(now)) {
            throw ApiException.unprocessable("term_already_ended",
                    "The term ended at " + c.termEnd + "; a contract cannot start after its end.");
        }
        List<Contract> clash = contracts.overlapping(orgId, c.termStart, c.effectiveEnd, c.id);
        if (!clash.isEmpty()) {
            Contract other = clash.get(0);
            throw new ApiException(409, "contract_overlap", "Conflict",
                    "The term overlaps contract " + other.id + " (" + other.status.wire() + ", " + other.termStart
                            + " to "
                            + other.effectiveEnd + ") of this organisation.",
                    Map.of("conflictingContractId", other.id.toString()));
        }
        c.moveTo(ContractStatus.ACTIVE);
        c.updatedAt = now;
        contractsService.audit(c.id, ContractStatus.DRAFT, ContractStatus.ACTIVE, "activated", reason, actor, now);
        if (c.renewalOf != null) {
            markPredecessorRenewed(c, actor, now);
        }
        try {
            contracts.flush();
        } catch (org.hibernate.exception.ConstraintViolationException e) {
            // the database's exclusion constraint caught an overlap this check did not see
            if ("contracts_no_overlap".equals(e.getConstraintName())) {
                throw ApiException.conflict("contract_overlap",
                        "The term overlaps another contract of this organisation.");
            }
            throw e;
        }
        return contractsService.view(c);
    }

    /** Ends an active contract at {@code at} (default now); the terms keep answering up to that instant. */
    @Transactional
    public ContractView terminate(String orgId, UUID id, Termination request, String actor) {
        lockOrganisation(orgId);
        Contract c = contractsService.lock(orgId, id);
        requireStatus(c, ContractStatus.ACTIVE, "terminate");
        Instant now = clock.instant();
        Instant at = request.at() == null ? now : request.at();
        if (at.isBefore(now) || !at.isAfter(c.termStart) || at.isAfter(c.termEnd)) {
            throw invalid("invalid_termination_date", "at",
                    "must be between now (" + now + ") and the term end, and after the term start");
        }
        c.moveTo(ContractStatus.TERMINATED);
        c.effectiveEnd = at;
        c.updatedAt = now;
        contractsService.audit(c.id, ContractStatus.ACTIVE, ContractStatus.TERMINATED, "terminated",
                request.reason(), actor, now);
        contracts.flush();
        return contractsService.view(c);
    }

    /**
     * A new version of an active contract's terms from {@code effectiveFrom}. Never retroactive (a closed
     * invoice was computed with the terms as they were), and the commitment period stays as signed so the
     * commitment windows never move under recorded drawdowns.
     */
    @Transactional
    public ContractView amend(String orgId, UUID id, Amendment request, String actor) {
        Contract c = contractsService.lock(orgId, id);
        requireStatus(c, ContractStatus.ACTIVE, "amend");
        Instant now = clock.instant();
        ContractVersion latest = versions.latest(c.id);
        Violations v = new Violations();
        if (request.effectiveFrom().isBefore(now) || !request.effectiveFrom().isAfter(latest.effectiveFrom)
                || !request.effectiveFrom().isBefore(c.effectiveEnd)) {
            v.add("invalid_effective_date", "effectiveFrom", "must be no earlier than now (" + now
                    + "), after the current version's start and before the contract's end");
        }
        if (request.commitment() != null && !request.commitment().period().equals(latest.commitmentPeriod)) {
            v.add("commitment_period_fixed", "commitment.period",
                    "the commitment period is fixed for the term (" + latest.commitmentPeriod
                            + "); renew to change it");
        }
        DraftRules.rates(request.negotiatedRates(), v);
        DraftRules.minimums(request.minimums(), v);
        v.throwIfAny();

        ContractVersion next = new ContractVersion();
        next.id = UUID.randomUUID();
        next.contractId = c.id;
        next.number = latest.number + 1;
        next.effectiveFrom = request.effectiveFrom();
        next.commitmentAmount = request.commitment() == null
                ? latest.commitmentAmount
                : Amounts.stored(request.commitment().amount());
        next.commitmentPeriod = latest.commitmentPeriod;
        next.prepaidCredits = request.prepaidCredits() == null
                ? latest.prepaidCredits
                : Amounts.stored(request.prepaidCredits());
        next.customTerms = request.customTerms() == null ? latest.customTerms : request.customTerms();
        next.documentRef = request.documentRef() == null ? latest.documentRef : request.documentRef();
        next.reason = request.reason();
        next.createdAt = now;
        next.createdBy = actor;
        if (request.negotiatedRates() == null) {
            latest.rates.forEach(r -> next.rates.add(copy(r)));
        } else {
            ContractService.setRates(next, request.negotiatedRates());
        }
        if (request.minimums() == null) {
            latest.minimums.forEach(m -> next.minimums.add(copy(m)));
        } else {
            ContractService.setMinimums(next, request.minimums());
        }
        versions.persist(next);
        c.updatedAt = now;
        contractsService.audit(c.id, ContractStatus.ACTIVE, ContractStatus.ACTIVE, "amended",
                "version " + next.number + " from " + next.effectiveFrom + ": " + request.reason(), actor, now);
        contracts.flush();
        return contractsService.view(c);
    }

    /**
     * Drafts the successor: the same terms (latest version) over {@code [termEnd of this one, request.termEnd)}.
     * This contract becomes {@code renewed} when the successor is activated.
     */
    @Transactional
    public ContractView renew(String orgId, UUID id, Renewal request, String actor) {
        Contract c = contractsService.lock(orgId, id);
        if (!c.status.mayMoveTo(ContractStatus.RENEWED)) {
            throw notAllowed(c, "renew");
        }
        if (contracts.count("renewalOf", c.id) > 0) {
            throw ApiException.conflict("already_renewed", "Contract " + c.id + " already has a renewal.");
        }
        Violations v = new Violations();
        DraftRules.term(c.termEnd, request.termEnd(), v);
        v.throwIfAny();
        Instant now = clock.instant();
        ContractVersion latest = versions.latest(c.id);
        Contract next = new Contract();
        next.id = UUID.randomUUID();
        next.orgId = orgId;
        next.status = ContractStatus.DRAFT;
        next.currency = c.currency;
        next.termStart = c.termEnd;
        next.termEnd = request.termEnd();
        next.effectiveEnd = request.termEnd();
        next.renewalOf = c.id;
        next.createdAt = now;
        next.createdBy = actor;
        next.updatedAt = now;
        contracts.persist(next);
        ContractVersion first = new ContractVersion();
        first.id = UUID.randomUUID();
        first.contractId = next.id;
        first.number = 1;
        first.effectiveFrom = next.termStart;
        first.commitmentAmount = latest.commitmentAmount;
        first.commitmentPeriod = latest.commitmentPeriod;
        first.prepaidCredits = Amounts.stored(BigDecimal.ZERO);
        first.customTerms = latest.customTerms;
        first.documentRef = latest.documentRef;
        first.reason = "renewal of " + c.id;
        first.createdAt = now;
        first.createdBy = actor;
        latest.rates.forEach(r -> first.rates.add(copy(r)));
        latest.minimums.forEach(m -> first.minimums.add(copy(m)));
        versions.persist(first);
        contractsService.audit(next.id, null, ContractStatus.DRAFT, "created", "renewal of " + c.id + ": "
                + request.reason(), actor, now);
        contractsService.audit(c.id, c.status, c.status, "renewal_drafted", "renewal " + next.id + " drafted: "
                + request.reason(), actor, now);
        contracts.flush();
        return contractsService.view(next);
    }

    /** Moves every active contract whose term is over to {@code expired}. Idempotent; safe on every replica. */
    @Transactional
    public int expireDue() {
        Instant now = clock.instant();
        List<Contract> due = contracts.find("status = ?1 and effectiveEnd <= ?2", ContractStatus.ACTIVE, now)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .withHint("jakarta.persistence.lock.timeout", -2) // SKIP LOCKED: another replica has it
                .list();
        for (Contract c : due) {
            c.moveTo(ContractStatus.EXPIRED);
            c.updatedAt = now;
            contractsService.audit(c.id, ContractStatus.ACTIVE, ContractStatus.EXPIRED, "expired", "term ended",
                    SYSTEM, now);
        }
        return due.size();
    }

    private void markPredecessorRenewed(Contract successor, String actor, Instant now) {
        Contract previous = contracts.findById(successor.renewalOf, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (previous != null && previous.status.mayMoveTo(ContractStatus.RENEWED)) {
            ContractStatus from = previous.status;
            previous.moveTo(ContractStatus.RENEWED);
            previous.updatedAt = now;
            contractsService.audit(previous.id, from, ContractStatus.RENEWED, "renewed",
                    "renewal " + successor.id + " activated", actor, now);
        }
    }

    /** Serialises lifecycle moves of one organisation (released at commit or rollback). */
    private void lockOrganisation(String orgId) {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext('contract-org:' || ?1))").setParameter(1, orgId)
                .getSingleResult();
    }

    private static void requireStatus(Contract c, ContractStatus expected, String action) {
        if (c.status != expected) {
            throw notAllowed(c, action);
        }
    }

    private static ApiException notAllowed(Contract c, String action) {
        return new ApiException(409, "invalid_transition", "Conflict",
                "Cannot " + action + " a contract that is " + c.status.wire() + ".",
                Map.of("status", c.status.wire()));
    }

    private static ApiException invalid(String code, String field, String message) {
        return new Violations().add(code, field, message).toException();
    }

    private static NegotiatedRate copy(NegotiatedRate r) {
        NegotiatedRate n = new NegotiatedRate();
        n.targetType = r.targetType;
        n.target = r.target;
        n.kind = r.kind;
        n.value = r.value;
        return n;
    }

    private static Minimum copy(Minimum m) {
        Minimum n = new Minimum();
        n.period = m.period;
        n.amount = m.amount;
        return n;
    }
}
