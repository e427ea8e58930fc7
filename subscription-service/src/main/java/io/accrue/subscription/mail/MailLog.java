package io.accrue.subscription.mail;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;

/** What was mailed (or is waiting) for an organisation, newest first. */
@ApplicationScoped
public class MailLog {

    /** One mail; {@code type} is its {@link MailKind}, {@code status} its {@link MailStatus}, both as wire text. */
    public record MailView(String id, String type, String eventId, List<String> recipients, String subject,
            String status, int attempts, Instant createdAt, Instant sentAt, String lastError,
            List<String> attachments) {

        static MailView of(OutboundMail m) {
            return new MailView(m.id.toString(), m.kind.wire(), m.eventId, List.of(m.recipient), m.subject,
                    m.status.wire(), m.attempts, m.createdAt, m.sentAt, m.lastError,
                    m.attachmentName == null ? List.of() : List.of(m.attachmentName));
        }
    }

    private final EntityManager em;

    MailLog(EntityManager em) {
        this.em = em;
    }

    public CursorPage<MailView> list(String orgId, String cursor, Integer limit) {
        int size = Cursors.limit(limit);
        long before = Long.MAX_VALUE;
        if (cursor != null) {
            try {
                before = Long.parseLong(Cursors.decode(cursor, 1).get(0));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
            }
        }
        List<OutboundMail> rows = em.createQuery("from OutboundMail m where m.orgId = ?1 and m.seq < ?2 "
                + "order by m.seq desc", OutboundMail.class).setParameter(1, orgId).setParameter(2, before)
                .setMaxResults(size + 1).getResultList();
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            next = Cursors.encode(Long.toString(rows.get(size - 1).seq));
        }
        return CursorPage.of(rows.stream().map(MailView::of).toList(), next);
    }
}
