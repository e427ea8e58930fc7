package io.accrue.subscription.mail;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;
import io.accrue.subscription.contact.BillingContact;

/** The mails a billing contact may receive, each from one billing event type and chosen by one contact flag. */
public enum MailKind implements WireValue {
    INVOICE_ISSUED, PAYMENT_FAILED, DUNNING_STEP, BUDGET_THRESHOLD, RENEWAL_REMINDER;

    /** The dunning states a step into which is announced; the way back to active is not a notice. */
    static final Set<String> DUNNING_STATES = Set.of("past_due", "grace", "suspended");

    /** The mail a billing event makes, if any ({@code data} is the event's data as text). */
    static Optional<MailKind> of(String eventType, Map<String, String> data) {
        return switch (eventType) {
            case "invoice.finalized" -> Optional.of(INVOICE_ISSUED);
            case "invoice.payment_failed" -> Optional.of(PAYMENT_FAILED);
            case "account.status_changed" -> DUNNING_STATES.contains(data.get("toStatus"))
                    ? Optional.of(DUNNING_STEP)
                    : Optional.empty();
            case "usage.threshold_reached" -> Optional.of(BUDGET_THRESHOLD);
            case "contract.renewal_upcoming" -> Optional.of(RENEWAL_REMINDER);
            default -> Optional.empty();
        };
    }

    /** Whether the contact asked for this kind of mail. */
    boolean wantedBy(BillingContact c) {
        return switch (this) {
            case INVOICE_ISSUED -> c.receivesInvoices;
            case PAYMENT_FAILED, DUNNING_STEP -> c.receivesDunning;
            case BUDGET_THRESHOLD -> c.receivesUsageAlerts;
            case RENEWAL_REMINDER -> c.receivesContractNotices;
        };
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<MailKind> {
        public Column() {
            super(MailKind.class);
        }
    }
}
