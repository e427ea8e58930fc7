package io.accrue.contract.contracts;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.contract.contracts.ContractRequests.ContractDraft;
import io.accrue.contract.contracts.ContractRequests.MinimumInput;
import io.accrue.contract.contracts.ContractRequests.RateInput;
import io.accrue.contract.contracts.ContractViews.ContractView;
import io.accrue.contract.contracts.ContractViews.TransitionView;
import io.accrue.contract.contracts.ContractViews.VersionView;
import io.accrue.contract.money.Amounts;

/** Drafting and reading contracts. Lifecycle moves live in {@link ContractLifecycleService}. */
@ApplicationScoped
public class ContractService {

    private final ContractRepository contracts;
    private final ContractVersionRepository versions;
    private final ContractTransitionRepository transitions;
    private final ContractEvents events;
    private final Clock clock;

    ContractService(ContractRepository contracts, ContractVersionRepository versions,
            ContractTransitionRepository transitions, ContractEvents events, Clock clock) {
        this.contracts = contracts;
        this.events = events;
        this.versions = versions;
        this.transitions = transitions;
        this.clock = clock;
    }

    @Transactional
    public ContractView create(String orgId, ContractDraft draft, String actor) {
        checkDraft(draft);
        Instant now = clock.instant();
        Contract contract = new Contract();
        contract.id = UUID.randomUUID();
        contract.orgId = orgId;
        contract.status = ContractStatus.DRAFT;
        applyHeader(contract, draft);
        contract.createdAt = now;
        contract.createdBy = actor;
        contract.updatedAt = now;
        contracts.persist(contract);
        ContractVersion first = new ContractVersion();
        first.id = UUID.randomUUID();
        first.contractId = contract.id;
        first.number = 1;
        first.createdAt = now;
        first.createdBy = actor;
        applyContent(first, contract, draft);
        versions.persist(first);
        audit(contract.id, null, ContractStatus.DRAFT, "created", "drafted", actor, now);
        contracts.flush();
        return view(contract);
    }

    /** Replaces the whole content of a draft; anything but a draft is refused. */
    @Transactional
    public ContractView replaceDraft(String orgId, UUID id, ContractDraft draft, String actor) {
        checkDraft(draft);
        Contract contract = lock(orgId, id);
        if (contract.status != ContractStatus.DRAFT) {
            throw ApiException.conflict("contract_not_editable",
                    "Only a draft can be edited; this contract is " + contract.status.wire() + ". Amend it instead.");
        }
        Instant now = clock.instant();
        applyHeader(contract, draft);
        contract.updatedAt = now;
        ContractVersion only = versions.latest(contract.id);
        applyContent(only, contract, draft);
        audit(contract.id, ContractStatus.DRAFT, ContractStatus.DRAFT, "edited", "draft edited", actor, now);
        contracts.flush();
        return view(contract);
    }

    public ContractView get(String orgId, UUID id) {
        return view(find(orgId, id));
    }

    public CursorPage<ContractView> list(String orgId, String cursor, Integer limit) {
        int size = Cursors.limit(limit);
        Instant afterAt = null;
        UUID afterId = null;
        if (cursor != null && !cursor.isBlank()) {
            List<String> key = Cursors.decode(cursor, 2);
            try {
                afterAt = Instant.parse(key.get(0));
                afterId = UUID.fromString(key.get(1));
            } catch (RuntimeException e) {
                throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
            }
        }
        List<Contract> rows = contracts.page(orgId, afterAt, afterId, size + 1);
        boolean more = rows.size() > size;
        List<Contract> page = more ? rows.subList(0, size) : rows;
        String next = null;
        if (more) {
            Contract last = page.get(page.size() - 1);
            next = Cursors.encode(last.createdAt.toString(), last.id.toString());
        }
        return CursorPage.of(views(page), next);
    }

    Contract find(String orgId, UUID id) {
        return contracts.findInOrg(orgId, id).orElseThrow(() -> notFound(id));
    }

    Contract lock(String orgId, UUID id) {
        return contracts.lockInOrg(orgId, id).orElseThrow(() -> notFound(id));
    }

    static ApiException notFound(UUID id) {
        return ApiException.notFound("contract_not_found", "No contract " + id + " in this organisation.");
    }

    void audit(UUID contractId, ContractStatus from, ContractStatus to, String action, String reason, String actor,
            Instant at) {
        ContractTransition t = new ContractTransition();
        t.contractId = contractId;
        t.fromStatus = from;
        t.toStatus = to;
        t.action = action;
        t.reason = reason;
        t.actor = actor;
        t.occurredAt = at;
        transitions.persist(t);
        // every audited change is announced, under an id derived from its transition row (docs/webhooks.md)
        events.transition(t);
    }

    ContractView view(Contract c) {
        return views(List.of(c)).get(0);
    }

    /** Loads versions and transitions of a whole page in two queries, not two per contract. */
    List<ContractView> views(List<Contract> page) {
        List<UUID> ids = page.stream().map(c -> c.id).toList();
        Map<UUID, List<ContractVersion>> versionsBy = versions.ofContracts(ids).stream()
                .collect(Collectors.groupingBy(v -> v.contractId));
        Map<UUID, List<ContractTransition>> transitionsBy = transitions.ofContracts(ids).stream()
                .collect(Collectors.groupingBy(t -> t.contractId));
        List<ContractView> out = new ArrayList<>(page.size());
        for (Contract c : page) {
            List<ContractVersion> vs = versionsBy.getOrDefault(c.id, List.of());
            out.add(new ContractView(c.id, c.orgId, c.status.wire(), c.currency, c.termStart, c.termEnd, c.effectiveEnd,
                    c.renewalOf, vs.isEmpty() ? 0 : vs.get(vs.size() - 1).number, c.createdAt, c.createdBy,
                    c.updatedAt, vs.stream().map(VersionView::of).toList(),
                    transitionsBy.getOrDefault(c.id, List.of()).stream().map(TransitionView::of).toList()));
        }
        return out;
    }

    private static void checkDraft(ContractDraft draft) {
        Violations v = new Violations();
        DraftRules.currency(draft.currency(), v);
        DraftRules.term(draft.termStart(), draft.termEnd(), v);
        DraftRules.rates(draft.negotiatedRates(), v);
        DraftRules.minimums(draft.minimums(), v);
        v.throwIfAny();
    }

    private static void applyHeader(Contract contract, ContractDraft draft) {
        contract.currency = draft.currency();
        contract.termStart = draft.termStart();
        contract.termEnd = draft.termEnd();
        contract.effectiveEnd = draft.termEnd();
    }

    private static void applyContent(ContractVersion version, Contract contract, ContractDraft draft) {
        version.effectiveFrom = contract.termStart;
        version.commitmentAmount = Amounts.stored(draft.commitment().amount());
        version.commitmentPeriod = draft.commitment().period();
        version.prepaidCredits = Amounts
                .stored(draft.prepaidCredits() == null ? BigDecimal.ZERO : draft.prepaidCredits());
        version.customTerms = draft.customTerms();
        version.documentRef = draft.documentRef();
        setRates(version, draft.negotiatedRates());
        setMinimums(version, draft.minimums());
    }

    static void setRates(ContractVersion version, List<RateInput> rates) {
        version.rates.clear();
        if (rates == null) {
            return;
        }
        for (RateInput r : rates) {
            NegotiatedRate rate = new NegotiatedRate();
            rate.targetType = r.model() != null ? "model" : "meter";
            rate.target = r.model() != null ? r.model() : r.meter();
            rate.kind = r.kind();
            rate.value = Amounts.stored(r.value());
            version.rates.add(rate);
        }
    }

    static void setMinimums(ContractVersion version, List<MinimumInput> minimums) {
        version.minimums.clear();
        if (minimums == null) {
            return;
        }
        for (MinimumInput m : minimums) {
            Minimum min = new Minimum();
            min.period = m.period();
            min.amount = Amounts.stored(m.amount());
            version.minimums.add(min);
        }
    }
}
