package io.accrue.contract.trueup;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.contract.config.ContractConfig;
import io.accrue.contract.contracts.Contract;
import io.accrue.contract.contracts.ContractRepository;
import io.accrue.contract.contracts.ContractStatus;
import io.accrue.contract.contracts.ContractWindows;
import io.accrue.contract.drawdown.DrawdownRepository;
import io.accrue.contract.money.CommitmentWindow;
import io.accrue.contract.money.Money;
import io.accrue.contract.money.TrueUpMath;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Settles every commitment window that ended at least {@code accrue.contracts.true-up-grace} ago: the
 * shortfall, or zero. Each window is settled once (unique per contract and window start); the contract row
 * lock taken here is the same one drawdowns take, so no consumption lands in a window while it is being
 * settled. Consumption recorded later is accepted and flagged {@code afterTrueUp}; the settlement never changes.
 */
@ApplicationScoped
public class TrueUpService {

    public record TrueUpView(UUID contractId, Instant periodStart, Instant periodEnd, Money committed, Money consumed,
            Money shortfall, Instant computedAt, String computedBy) {

        public static TrueUpView of(TrueUp t) {
            return new TrueUpView(t.contractId, t.windowStart, t.windowEnd, Money.of(t.committed, t.currency),
                    Money.of(t.consumed, t.currency), Money.of(t.shortfall, t.currency), t.computedAt, t.computedBy);
        }
    }

    private final TrueUpRepository trueUps;
    private final ContractRepository contracts;
    private final ContractWindows windows;
    private final DrawdownRepository drawdowns;
    private final Clock clock;
    private final ContractConfig config;

    TrueUpService(TrueUpRepository trueUps, ContractRepository contracts, ContractWindows windows,
            DrawdownRepository drawdowns, Clock clock, ContractConfig config) {
        this.config = config;
        this.trueUps = trueUps;
        this.contracts = contracts;
        this.windows = windows;
        this.drawdowns = drawdowns;
        this.clock = clock;
    }

    /** Settles the contract's ended windows not settled yet; answers all its true-ups. */
    @Transactional
    public List<TrueUpView> settle(String orgId, UUID contractId, String actor) {
        Contract c = contracts.lockInOrg(orgId, contractId).orElseThrow(() -> notFound(contractId));
        if (c.status == ContractStatus.DRAFT) {
            throw ApiException.conflict("contract_not_active", "A draft contract has nothing to true up.");
        }
        settleLocked(c, actor);
        return list(orgId, contractId);
    }

    /**
     * For the scheduler: every non-draft contract whose last window is not settled yet, each in its own short
     * transaction (a contract another replica is settling is skipped, not waited for). Idempotent.
     */
    public int settleAllDue(String actor) {
        Instant now = clock.instant();
        List<UUID> due = QuarkusTransaction.requiringNew().call(() -> contracts.getEntityManager().createQuery("""
                select c.id from Contract c where c.status <> ?1 and c.termStart < ?2
                and not exists (select 1 from TrueUp t where t.contractId = c.id and t.windowEnd = c.effectiveEnd)
                order by c.termStart""", UUID.class)
                .setParameter(1, ContractStatus.DRAFT).setParameter(2, now).getResultList());
        int n = 0;
        for (UUID id : due) {
            n += QuarkusTransaction.requiringNew().call(() -> {
                Contract c = contracts.find("id", id).withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                        .withHint("jakarta.persistence.lock.timeout", -2).firstResult();
                return c == null ? 0 : settleLocked(c, actor);
            });
        }
        return n;
    }

    public List<TrueUpView> list(String orgId, UUID contractId) {
        contracts.findInOrg(orgId, contractId).orElseThrow(() -> notFound(contractId));
        return trueUps.ofContract(contractId).stream().map(TrueUpView::of).toList();
    }

    private int settleLocked(Contract c, String actor) {
        Instant now = clock.instant();
        Map<Instant, BigDecimal> consumed = drawdowns.consumedByWindow(c.id);
        Currency currency = Currency.getInstance(c.currency);
        int settled = 0;
        for (CommitmentWindow w : windows.of(c)) {
            if (w.end().plus(config.trueUpGrace()).isAfter(now)) {
                break;
            }
            BigDecimal used = consumed.getOrDefault(w.start(), BigDecimal.ZERO);
            TrueUp t = new TrueUp();
            t.id = UUID.randomUUID();
            t.contractId = c.id;
            t.orgId = c.orgId;
            t.windowStart = w.start();
            t.windowEnd = w.end();
            t.currency = c.currency;
            t.committed = w.committed();
            t.consumed = used;
            t.shortfall = TrueUpMath.shortfall(w.committed(), used, currency);
            t.computedAt = now;
            t.computedBy = actor;
            if (trueUps.insertIfAbsent(t)) {
                settled++;
            }
        }
        return settled;
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("contract_not_found", "No contract " + id + " in this organisation.");
    }
}
