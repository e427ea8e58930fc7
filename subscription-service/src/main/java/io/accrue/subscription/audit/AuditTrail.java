package io.accrue.subscription.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;

/** Appends who did what, when, with the state before and after (as JSON), in the caller's transaction. */
@ApplicationScoped
public class AuditTrail {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public record EntryView(String id, String actor, String action, String target, String before, String after,
            Instant at) {}

    private final EntityManager em;
    private final Clock clock;

    AuditTrail(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String orgId, String actor, String action, String target, Object before, Object after) {
        AuditEntry e = new AuditEntry();
        e.id = UUID.randomUUID();
        e.orgId = orgId;
        e.actor = actor;
        e.action = action;
        e.target = target;
        e.before = json(before);
        e.after = json(after);
        e.at = clock.instant();
        em.persist(e);
    }

    /** How many times an organisation's audit trail records an action (a sequence number for idempotency keys). */
    public long count(String orgId, String action) {
        return em.createQuery("select count(a) from AuditEntry a where a.orgId = ?1 and a.action = ?2", Long.class)
                .setParameter(1, orgId).setParameter(2, action).getSingleResult();
    }

    public CursorPage<EntryView> page(String orgId, String cursor, Integer limit) {
        int size = Cursors.limit(limit);
        long after;
        try {
            after = cursor == null ? 0 : Long.parseLong(Cursors.decode(cursor, 1).get(0));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
        }
        List<AuditEntry> rows = em.createQuery("from AuditEntry a where a.orgId = ?1 and a.seq > ?2 order by a.seq",
                AuditEntry.class).setParameter(1, orgId).setParameter(2, after).setMaxResults(size + 1).getResultList();
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            next = Cursors.encode(rows.get(size - 1).seq.toString());
        }
        return CursorPage.of(rows.stream()
                .map(a -> new EntryView(a.id.toString(), a.actor, a.action, a.target, a.before, a.after, a.at))
                .toList(), next);
    }

    private static String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
