package io.accrue.contract.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.accrue.contract.events.BillingEventOutbox;

/**
 * The billing events of contracts (docs/webhooks.md), recorded in the transaction of the change. Every audited
 * transition is one event whose id is derived from the transition row ({@code ctr_<contract>_t<transition>}):
 * {@code created} → {@code contract.created}; {@code edited}, {@code activated}, {@code amended},
 * {@code renewal_drafted} → {@code contract.updated}; {@code renewed} → {@code contract.renewed};
 * {@code terminated}, {@code expired} → {@code contract.ended}. The renewal reminder
 * ({@code contract.renewal_upcoming}) is one per contract, hence per term ({@code ctr_<contract>_renewal_upcoming}).
 */
@ApplicationScoped
public class ContractEvents {

    public static final String CREATED = "contract.created";
    public static final String UPDATED = "contract.updated";
    public static final String RENEWED = "contract.renewed";
    public static final String ENDED = "contract.ended";
    public static final String RENEWAL_UPCOMING = "contract.renewal_upcoming";

    private final BillingEventOutbox outbox;
    private final EntityManager em;

    ContractEvents(BillingEventOutbox outbox, EntityManager em) {
        this.outbox = outbox;
        this.em = em;
    }

    static String type(String action) {
        return switch (action) {
            case "created" -> CREATED;
            case "renewed" -> RENEWED;
            case "terminated", "expired" -> ENDED;
            default -> UPDATED;
        };
    }

    /** The event of one audited transition (already persisted, so its id is assigned). */
    @Transactional(Transactional.TxType.MANDATORY)
    void transition(ContractTransition t) {
        Contract c = em.find(Contract.class, t.contractId);
        Map<String, Object> data = header(c);
        data.put("change", t.action);
        data.put("fromStatus", t.fromStatus == null ? null : t.fromStatus.wire());
        data.put("toStatus", t.toStatus.wire());
        outbox.record(hex(c.id) + "_t" + t.id, c.orgId, type(t.action), t.occurredAt, data);
    }

    /** The renewal reminder of an active contract whose end is {@code notice} or less away. */
    @Transactional(Transactional.TxType.MANDATORY)
    boolean renewalUpcoming(Contract c, boolean renewalDrafted, Duration notice, Instant now) {
        Map<String, Object> data = header(c);
        data.put("noticeDays", notice.toDays());
        data.put("renewalDrafted", renewalDrafted);
        return outbox.record(hex(c.id) + "_renewal_upcoming", c.orgId, RENEWAL_UPCOMING, now, data);
    }

    private static Map<String, Object> header(Contract c) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("orgId", c.orgId);
        data.put("contractId", c.id.toString());
        data.put("status", c.status.wire());
        data.put("currency", c.currency);
        data.put("termStart", c.termStart.toString());
        data.put("termEnd", c.termEnd.toString());
        data.put("effectiveEnd", c.effectiveEnd.toString());
        data.put("renewalOf", c.renewalOf == null ? null : c.renewalOf.toString());
        return data;
    }

    private static String hex(UUID id) {
        return "ctr_" + id.toString().replace("-", "");
    }
}
