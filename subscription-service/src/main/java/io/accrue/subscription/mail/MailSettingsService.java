package io.accrue.subscription.mail;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.accrue.common.error.ApiException;
import io.accrue.subscription.account.BillingAccountRepository;
import io.accrue.subscription.audit.AuditTrail;

/** An organisation's sender name and reply-to, applied to every mail queued after the change. */
@ApplicationScoped
public class MailSettingsService {

    /**
     * Both optional (null clears). The sender name becomes the display name of From, so it may not carry what would
     * break out of the header (quotes, angle brackets, parentheses, backslashes, line breaks).
     */
    public record MailSettingsDraft(
            @Size(max = 100) @Pattern(regexp = "[^\\p{Cntrl}\"<>()\\\\]*", message = "must not contain quotes, "
                    + "angle brackets, parentheses, backslashes or control characters") String senderName,
            @Email @Size(max = 320) String replyTo) {}

    /** {@code from} is the configured address every mail is sent from (accrue.mail.from). */
    public record MailSettingsView(String senderName, String replyTo, String from, Instant updatedAt) {}

    private final EntityManager em;
    private final BillingAccountRepository accounts;
    private final AuditTrail audit;
    private final MailConfig config;
    private final Clock clock;

    MailSettingsService(EntityManager em, BillingAccountRepository accounts, AuditTrail audit, MailConfig config,
            Clock clock) {
        this.em = em;
        this.accounts = accounts;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
    }

    public MailSettingsView get(String orgId) {
        requireAccount(orgId);
        return view(em.find(MailSettings.class, orgId));
    }

    @Transactional
    public MailSettingsView put(String orgId, MailSettingsDraft d, String actor) {
        requireAccount(orgId);
        MailSettings s = em.find(MailSettings.class, orgId);
        MailSettingsView before = s == null ? null : view(s);
        boolean created = s == null;
        if (created) {
            s = new MailSettings();
            s.orgId = orgId;
        }
        s.senderName = blankToNull(d.senderName());
        s.replyTo = blankToNull(d.replyTo());
        s.updatedAt = clock.instant();
        if (created) {
            em.persist(s);
        }
        MailSettingsView after = view(s);
        audit.record(orgId, actor, "mail_settings.updated", "mail_settings:" + orgId, before, after);
        return after;
    }

    private void requireAccount(String orgId) {
        if (accounts.findByOrg(orgId).isEmpty()) {
            throw ApiException.notFound("account_not_found", "Organisation '" + orgId + "' has no billing account.");
        }
    }

    private MailSettingsView view(MailSettings s) {
        return s == null
                ? new MailSettingsView(null, null, config.from(), null)
                : new MailSettingsView(s.senderName, s.replyTo, config.from(), s.updatedAt);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
