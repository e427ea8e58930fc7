package io.accrue.subscription.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.subscription.account.BillingAccountRepository;
import io.accrue.subscription.contact.BillingContact;
import io.accrue.subscription.contact.ContactService;
import io.accrue.subscription.hooks.BillingEvent;

/**
 * Queues the mails a billing event makes, in the transaction that records the event ({@code hooks.BillingEvents}):
 * one row per contact that asked for the kind, rendered now, sent later by {@link MailSender}. A rolled-back event
 * queues nothing, and the unique (event, contact) key makes a second enqueue of one event a no-op.
 */
@ApplicationScoped
public class MailOutbox {

    /** A mail is retried this long after it was queued, then marked failed. */
    static final Duration RETRY_WINDOW = Duration.ofDays(3);

    private final EntityManager em;
    private final ContactService contacts;
    private final BillingAccountRepository accounts;
    private final MailConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    MailOutbox(EntityManager em, ContactService contacts, BillingAccountRepository accounts, MailConfig config,
            ObjectMapper json, Clock clock) {
        this.em = em;
        this.contacts = contacts;
        this.accounts = accounts;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    /** Queues the event's mails; answers how many were queued by this call. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int enqueue(BillingEvent event) {
        Map<String, String> data = fields(event.payload);
        Optional<MailKind> kind = MailKind.of(event.type, data);
        if (kind.isEmpty()) {
            return 0;
        }
        var recipients = contacts.contacts(event.orgId).stream().filter(kind.get()::wantedBy).toList();
        if (recipients.isEmpty()) {
            return 0;
        }
        String organisation = accounts.findByOrg(event.orgId).map(a -> a.name).orElse(event.orgId);
        MailSettings settings = em.find(MailSettings.class, event.orgId);
        Instant now = clock.instant();
        int queued = 0;
        for (BillingContact contact : recipients) {
            MailRenderer.Rendered mail = MailRenderer.render(kind.get(), contact.name, organisation, data);
            UUID id = UUID.randomUUID();
            queued += em
                    .createNativeQuery("INSERT INTO mail_outbox (id, org_id, event_id, contact_id, kind, recipient, "
                            + "sender_name, reply_to, subject, body_text, body_html, attachment_invoice_id, attachment_name, "
                            + "message_id, status, next_attempt_at, give_up_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                            + "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) ON CONFLICT (event_id, contact_id) DO NOTHING")
                    .setParameter(1, id).setParameter(2, event.orgId).setParameter(3, event.id)
                    .setParameter(4, contact.id).setParameter(5, kind.get().wire()).setParameter(6, contact.email)
                    .setParameter(7, settings == null ? null : settings.senderName)
                    .setParameter(8, settings == null ? null : settings.replyTo).setParameter(9, mail.subject())
                    .setParameter(10, mail.text()).setParameter(11, mail.html())
                    .setParameter(12, mail.attachmentInvoiceId()).setParameter(13, mail.attachmentName())
                    .setParameter(14, messageId(id)).setParameter(15, MailStatus.PENDING.wire())
                    .setParameter(16, now).setParameter(17, now.plus(RETRY_WINDOW)).setParameter(18, now)
                    .executeUpdate();
        }
        return queued;
    }

    /**
     * The Message-ID of every attempt of one mail: a mail the server accepted but we could not record as sent (a crash
     * between SMTP's 250 and our commit) goes out again under the same id, which mail clients de-duplicate on.
     */
    private String messageId(UUID id) {
        String from = config.from();
        String domain = from.substring(from.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        return "<mail." + id.toString().replace("-", "") + "@" + domain + ">";
    }

    /** The event's top-level data fields as text (null as empty), which is what the templates show. */
    private Map<String, String> fields(String payload) {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            JsonNode data = json.readTree(payload);
            data.fields().forEachRemaining(f -> fields.put(f.getKey(),
                    f.getValue().isNull()
                            ? ""
                            : f.getValue().isValueNode()
                                    ? f.getValue().asText()
                                    : f.getValue().toString()));
        } catch (Exception e) {
            throw new IllegalStateException("a billing event payload that is not JSON", e);
        }
        return fields;
    }
}
