package io.accrue.subscription.lifecycle;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Whether the organisation still owes an invoice. A currency switch is refused while one is unsettled: its
 * payment, credit notes and dunning all happen in the old currency. Errors propagate (after retries) so the
 * caller can fail closed.
 */
@ApplicationScoped
public class OpenInvoices {

    /** Not settled yet: a draft will be finalised, an uncollectible one may still be paid. */
    static final List<String> UNSETTLED = List.of("draft", "open", "uncollectible");

    private final InvoiceApi invoices;

    OpenInvoices(@RestClient InvoiceApi invoices) {
        this.invoices = invoices;
    }

    @Timeout(3000)
    @Retry(maxRetries = 2, delay = 200)
    public Optional<InvoiceApi.Item> first(String orgId) {
        for (String status : UNSETTLED) {
            InvoiceApi.Page page = invoices.list(orgId, status, 1);
            if (page.items() != null && !page.items().isEmpty()) {
                return Optional.of(page.items().get(0));
            }
        }
        return Optional.empty();
    }
}
