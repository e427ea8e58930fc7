package io.accrue.subscription.mail;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One mail of the outbox (V15 {@code mail_outbox}): one billing event to one billing contact. */
@Entity
@Table(name = "mail_outbox")
public class OutboundMail {

    @Id
    public UUID id;

    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(name = "contact_id", nullable = false)
    public UUID contactId;

    @Column(nullable = false)
    public MailKind kind;

    @Column(nullable = false)
    public String recipient;

    @Column(name = "sender_name")
    public String senderName;

    @Column(name = "reply_to")
    public String replyTo;

    @Column(nullable = false)
    public String subject;

    @Column(name = "body_text", nullable = false)
    public String bodyText;

    @Column(name = "body_html", nullable = false)
    public String bodyHtml;

    @Column(name = "attachment_invoice_id")
    public String attachmentInvoiceId;

    @Column(name = "attachment_name")
    public String attachmentName;

    @Column(name = "message_id", nullable = false)
    public String messageId;

    @Column(nullable = false)
    public MailStatus status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "give_up_at", nullable = false)
    public Instant giveUpAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "last_error")
    public String lastError;

    /** Moves to a final state; the enum says which moves exist. */
    void moveTo(MailStatus next) {
        if (!status.mayMoveTo(next)) {
            throw new IllegalStateException("a mail may not move from " + status.wire() + " to " + next.wire());
        }
        status = next;
    }
}
