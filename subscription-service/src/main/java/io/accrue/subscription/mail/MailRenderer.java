package io.accrue.subscription.mail;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.accrue.common.money.MinorUnits;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * Renders a mail from its billing event: the subject here, the text body from the kind's Qute template
 * ({@code templates/mail/}), the HTML body from the text's paragraphs in one layout (escaped by Qute). Pure: the same
 * event renders the same mail, so the outbox renders once, at enqueue.
 */
final class MailRenderer {

    @CheckedTemplate(basePath = "mail")
    static class Templates {
        static native TemplateInstance invoiceIssued(String contact, String organisation, Map<String, String> event);

        static native TemplateInstance paymentFailed(String contact, String organisation, Map<String, String> event);

        static native TemplateInstance dunningStep(String contact, String organisation, Map<String, String> event);

        static native TemplateInstance budgetThreshold(String contact, String organisation, Map<String, String> event);

        static native TemplateInstance renewalReminder(String contact, String organisation, Map<String, String> event);

        static native TemplateInstance html(String subject, List<String> paragraphs);
    }

    /** A rendered mail; the attachment fields are set for an invoice (its PDF is fetched when the mail is sent). */
    record Rendered(String subject, String text, String html, String attachmentInvoiceId, String attachmentName) {}

    private MailRenderer() {
    }

    static Rendered render(MailKind kind, String contact, String organisation, Map<String, String> event) {
        String subject = oneLine(subject(kind, organisation, event), 300);
        TemplateInstance body = switch (kind) {
            case INVOICE_ISSUED -> Templates.invoiceIssued(contact, organisation, event);
            case PAYMENT_FAILED -> Templates.paymentFailed(contact, organisation, withAmountDue(event));
            case DUNNING_STEP -> Templates.dunningStep(contact, organisation, event);
            case BUDGET_THRESHOLD -> Templates.budgetThreshold(contact, organisation, event);
            case RENEWAL_REMINDER -> Templates.renewalReminder(contact, organisation, event);
        };
        String text = body.render().strip() + "\n";
        List<String> paragraphs = Arrays.stream(text.split("\n\\s*\n")).map(String::strip).filter(p -> !p.isEmpty())
                .toList();
        String html = Templates.html(subject, paragraphs).render();
        if (kind != MailKind.INVOICE_ISSUED) {
            return new Rendered(subject, text, html, null, null);
        }
        String number = event.getOrDefault("number", "").replaceAll("[^A-Za-z0-9_-]", "_");
        return new Rendered(subject, text, html, event.get("invoiceId"),
                "invoice-" + (number.isEmpty() ? event.get("invoiceId") : number) + ".pdf");
    }

    private static String subject(MailKind kind, String organisation, Map<String, String> e) {
        return switch (kind) {
            case INVOICE_ISSUED -> "Invoice " + e.get("number") + " for " + organisation + ": " + e.get("total") + " "
                    + e.get("currency");
            case PAYMENT_FAILED -> {
                Map<String, String> due = withAmountDue(e);
                yield "Payment failed for " + organisation + ": " + due.get("amountDue") + " " + due.get("currency");
            }
            case DUNNING_STEP -> switch (e.get("toStatus")) {
                case "past_due" -> organisation + ": your account is past due";
                case "grace" -> organisation + ": your account is in its grace period";
                default -> organisation + ": your account is suspended";
            };
            case BUDGET_THRESHOLD -> organisation + ": budget " + e.get("budget") + " reached " + e.get("threshold")
                    + "%";
            case RENEWAL_REMINDER -> organisation + ": your contract ends on " + e.get("effectiveEnd");
        };
    }

    /** Stripe's {@code amountDue} is in minor units (cents); the mail shows it as a decimal of its currency. */
    private static Map<String, String> withAmountDue(Map<String, String> e) {
        String minor = e.get("amountDue");
        String currency = e.get("currency");
        if (minor == null || minor.isEmpty() || currency == null || currency.isEmpty()) {
            return e;
        }
        var copy = new java.util.HashMap<>(e);
        copy.put("amountDue", new BigDecimal(minor).movePointLeft(MinorUnits.digits(currency.toUpperCase(
                java.util.Locale.ROOT))).toPlainString());
        copy.put("currency", currency.toUpperCase(java.util.Locale.ROOT));
        return copy;
    }

    /** A header value: no line breaks (event data must not add headers), at most {@code max} characters. */
    static String oneLine(String s, int max) {
        String line = s.replaceAll("[\\p{Cntrl}]+", " ").strip();
        return line.length() > max ? line.substring(0, max) : line;
    }
}
