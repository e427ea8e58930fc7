package io.accrue.subscription.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.accrue.subscription.lifecycle.InvoiceClient;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Sends the outbox's due mails over SMTP. Claimed through common's {@link LeasedClaims} (two replicas never send one
 * mail at once; a worker that dies leaves it to be claimed again when the two-minute lease ends), retried with the
 * suite's one {@link Backoff} until the mail's three-day window ends, then {@code failed}.
 * <p>
 * An invoice mail's PDF is fetched from invoice-service after the claim and before the send's transaction (no
 * transaction waits on a neighbour); if it cannot be fetched the mail is not sent without it but waits, like any
 * other failed attempt. Sent means the SMTP server answered 250; a crash after that and before the commit sends the
 * mail again under the same Message-ID (SMTP offers nothing stronger; docs/mail.md).
 */
@ApplicationScoped
public class MailSender {

    static final LeasedClaims QUEUE = new LeasedClaims("mail_outbox", "id", "status = 'pending'", "next_attempt_at",
            Duration.ofMinutes(2), Backoff.DELIVERY);

    private final EntityManager em;
    private final Mailer mailer;
    private final InvoiceClient invoices;
    private final MailConfig config;
    private final Clock clock;

    MailSender(EntityManager em, Mailer mailer, InvoiceClient invoices, MailConfig config, Clock clock) {
        this.em = em;
        this.mailer = mailer;
        this.invoices = invoices;
        this.config = config;
        this.clock = clock;
    }

    @ActivateRequestContext
    @Scheduled(every = "${accrue.mail.send-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        sendDue(clock.instant());
    }

    /** Sends what is due at {@code now}; answers how many mails were attempted. */
    public int sendDue(Instant now) {
        return LeasedClaims.eachClaimed(200, () -> QuarkusTransaction.requiringNew().call(() -> em
                .unwrap(Session.class).doReturningWork(c -> QUEUE.claimOne(c, UUID.class, now))),
                claim -> attempt(claim, now));
    }

    private void attempt(Claim<UUID> claim, Instant now) {
        Optional<Attachment> pdf;
        try {
            pdf = QuarkusTransaction.requiringNew().call(() -> invoiceOf(claim.id()))
                    .map(ref -> new Attachment(ref.name(), invoices.pdf(ref.orgId(), ref.invoiceId())));
        } catch (RuntimeException e) {
            String error = "invoice PDF unavailable: " + e.getMessage();
            QuarkusTransaction.requiringNew().run(() -> sendOne(claim, Optional.empty(), error, now));
            return;
        }
        Optional<Attachment> fetched = pdf;
        QuarkusTransaction.requiringNew().run(() -> sendOne(claim, fetched, null, now));
    }

    /** The invoice whose PDF a mail attaches, under the file name it is attached as. */
    record InvoiceRef(String orgId, String invoiceId, String name) {}

    record Attachment(String name, byte[] bytes) {}

    private Optional<InvoiceRef> invoiceOf(UUID id) {
        OutboundMail m = em.find(OutboundMail.class, id);
        return m == null || m.attachmentInvoiceId == null
                ? Optional.empty()
                : Optional.of(new InvoiceRef(m.orgId, m.attachmentInvoiceId, m.attachmentName));
    }

    /** One attempt; {@code failedBefore} is a failure that happened before the send (the PDF could not be fetched). */
    @Transactional(Transactional.TxType.MANDATORY)
    void sendOne(Claim<UUID> claim, Optional<Attachment> pdf, String failedBefore, Instant now) {
        // locked for this transaction: a send that outlived its lease does not run twice at once. It waits for a lock
        // held elsewhere rather than skip: another worker's claim scan may hold the row for a moment, and skipping would
        // count an attempt and leave the mail waiting out its lease (the outbox's OrderedEventOutbox does the same)
        List<?> free = em.createNativeQuery("SELECT id FROM mail_outbox WHERE id = ?1 AND status = ?2 FOR UPDATE")
                .setParameter(1, claim.id()).setParameter(2, MailStatus.PENDING.wire())
                .getResultList();
        if (free.isEmpty()) {
            return;
        }
        OutboundMail m = em.find(OutboundMail.class, claim.id());
        String error = failedBefore == null ? sendTryingTwice(mailer, mail(m, pdf)) : failedBefore;
        if (error == null) {
            m.moveTo(MailStatus.SENT);
            m.sentAt = now;
            m.lastError = null;
            return;
        }
        m.lastError = MailRenderer.oneLine(error, 1000);
        Instant next = QUEUE.retryAt(now, claim.attempt());
        if (!next.isBefore(m.giveUpAt)) {
            m.moveTo(MailStatus.FAILED);
            return;
        }
        m.nextAttemptAt = next;
    }

    /**
     * Sends one mail, and once more when that fails; answers the second failure ({@code SMTP: …}) or null when sent.
     * A good mail's first try can fail on the connection alone: a pooled connection the server has since closed fails
     * its first command, and vertx-mail-client 4.5 now and then misreads a fast server's greeting ("got error
     * response:" right after its {@code 220}; seen now and then against the tests' local SMTP server).
     * The second try takes another connection, so such a mail goes out now instead of after the backoff. A first try
     * that did reach the server and lost only its {@code 250} sends the mail twice under one Message-ID, which the
     * outbox allows for anyway (docs/mail.md).
     */
    static String sendTryingTwice(Mailer mailer, Mail mail) {
        RuntimeException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                mailer.send(mail);
                return null;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        // a timeout carries no message: name the exception, or the log would say "SMTP: null"
        return "SMTP: " + (failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage());
    }

    private Mail mail(OutboundMail m, Optional<Attachment> pdf) {
        Mail mail = Mail.withText(m.recipient, m.subject, m.bodyText).setHtml(m.bodyHtml).setFrom(from(m.senderName))
                .addHeader("Message-ID", m.messageId);
        if (m.replyTo != null) {
            mail.setReplyTo(m.replyTo);
        }
        pdf.ifPresent(a -> mail.addAttachment(a.name(), a.bytes(), "application/pdf"));
        return mail;
    }

    /**
     * From with the organisation's display name: an ASCII name as a quoted phrase; any other name unquoted, which the
     * mail client encodes (RFC 2047). Names cannot carry quotes, brackets or parentheses (MailSettingsDraft).
     */
    private String from(String senderName) {
        if (senderName == null) {
            return config.from();
        }
        boolean ascii = senderName.chars().allMatch(ch -> ch >= 32 && ch < 127);
        return (ascii ? "\"" + senderName + "\"" : senderName) + " <" + config.from() + ">";
    }
}
