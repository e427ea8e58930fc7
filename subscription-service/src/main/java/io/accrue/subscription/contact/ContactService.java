package io.accrue.subscription.contact;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import io.accrue.common.error.ApiException;
import io.accrue.subscription.account.BillingAccountRepository;
import io.accrue.subscription.audit.AuditTrail;

@ApplicationScoped
public class ContactService {

    /**
     * Each flag chooses one kind of mail (docs/mail.md): {@code receivesInvoices} "invoice issued" with the PDF,
     * {@code receivesDunning} payment failures and dunning steps, {@code receivesUsageAlerts} budget thresholds,
     * {@code receivesContractNotices} renewal reminders; an absent flag is false. {@code webhookUrl} is no longer a contact's: it stays in the
     * record only so that its refusal (400 {@code unsupported_field}) can name the webhook-endpoint API to use instead;
     * without it the field would be a bare {@code unknown_field}.
     */
    public record ContactDraft(@NotBlank @Size(max = 200) String name, @NotBlank @Email @Size(max = 320) String email,
            Boolean receivesInvoices, Boolean receivesDunning, Boolean receivesUsageAlerts,
            Boolean receivesContractNotices, @Size(max = 2000) String webhookUrl) {}

    public record ContactView(String id, String name, String email, boolean receivesInvoices, boolean receivesDunning,
            boolean receivesUsageAlerts, boolean receivesContractNotices, Instant createdAt, Instant updatedAt) {

        static ContactView of(BillingContact c) {
            return new ContactView(c.id.toString(), c.name, c.email, c.receivesInvoices, c.receivesDunning,
                    c.receivesUsageAlerts, c.receivesContractNotices, c.createdAt, c.updatedAt);
        }
    }

    private final EntityManager em;
    private final BillingAccountRepository accounts;
    private final AuditTrail audit;
    private final Clock clock;

    ContactService(EntityManager em, BillingAccountRepository accounts, AuditTrail audit, Clock clock) {
        this.em = em;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
    }

    public List<ContactView> list(String orgId) {
        return contacts(orgId).stream().map(ContactView::of).toList();
    }

    public List<BillingContact> contacts(String orgId) {
        return em.createQuery("from BillingContact c where c.orgId = ?1 order by c.createdAt, c.email",
                BillingContact.class).setParameter(1, orgId).getResultList();
    }

    @Transactional
    public ContactView create(String orgId, ContactDraft d, String actor) {
        if (accounts.findByOrg(orgId).isEmpty()) {
            throw ApiException.notFound("account_not_found", "Organisation '" + orgId + "' has no billing account.");
        }
        requireUniqueEmail(orgId, d.email(), null);
        Instant now = clock.instant();
        BillingContact c = new BillingContact();
        c.id = UUID.randomUUID();
        c.orgId = orgId;
        c.createdAt = now;
        apply(c, d, now);
        em.persist(c);
        audit.record(orgId, actor, "contact.created", "contact:" + c.id, null, ContactView.of(c));
        return ContactView.of(c);
    }

    @Transactional
    public ContactView update(String orgId, UUID id, ContactDraft d, String actor) {
        BillingContact c = find(orgId, id);
        requireUniqueEmail(orgId, d.email(), id);
        ContactView before = ContactView.of(c);
        apply(c, d, clock.instant());
        audit.record(orgId, actor, "contact.updated", "contact:" + id, before, ContactView.of(c));
        return ContactView.of(c);
    }

    @Transactional
    public void delete(String orgId, UUID id, String actor) {
        BillingContact c = find(orgId, id);
        audit.record(orgId, actor, "contact.deleted", "contact:" + id, ContactView.of(c), null);
        em.remove(c);
    }

    private BillingContact find(String orgId, UUID id) {
        BillingContact c = em.find(BillingContact.class, id);
        if (c == null || !c.orgId.equals(orgId)) {
            throw ApiException.notFound("contact_not_found", "No such billing contact.");
        }
        return c;
    }

    private void requireUniqueEmail(String orgId, String email, UUID except) {
        boolean taken = contacts(orgId).stream()
                .anyMatch(c -> c.email.equalsIgnoreCase(email.strip()) && !c.id.equals(except));
        if (taken) {
            throw ApiException.conflict("contact_exists", "A billing contact with this email exists.");
        }
    }

    /** Accepted means applied: contacts have no webhook any more, so a URL would deliver nothing and is refused. */
    private static void requireDeliverable(String orgId, ContactDraft d) {
        if (d.webhookUrl() != null) {
            throw ApiException.badRequest("unsupported_field", "webhookUrl: billing contacts no longer have a webhook;"
                    + " register the URL as a webhook endpoint (POST /v1/accounts/" + orgId + "/webhook-endpoints,"
                    + " event type account.status_changed for dunning steps; docs/webhooks.md).");
        }
    }

    private static void apply(BillingContact c, ContactDraft d, Instant now) {
        requireDeliverable(c.orgId, d);
        c.name = d.name().strip();
        c.email = d.email().strip().toLowerCase(java.util.Locale.ROOT);
        c.receivesInvoices = Boolean.TRUE.equals(d.receivesInvoices());
        c.receivesDunning = Boolean.TRUE.equals(d.receivesDunning());
        c.receivesUsageAlerts = Boolean.TRUE.equals(d.receivesUsageAlerts());
        c.receivesContractNotices = Boolean.TRUE.equals(d.receivesContractNotices());
        c.updatedAt = now;
    }
}
