package io.accrue.invoice.invoices;

import java.util.List;

import io.accrue.invoice.client.SubscriptionRecords;

/**
 * Who an invoice is addressed to, as it was when the invoice was issued (the account's billing details in
 * subscription-service, or its display name when it has none). Recorded on the invoice at finalisation.
 */
public record BillTo(String name, List<String> addressLines, String taxId) {

    public BillTo {
        addressLines = addressLines == null ? List.of() : List.copyOf(addressLines);
    }

    public static BillTo of(SubscriptionRecords.Account account) {
        SubscriptionRecords.BillingDetails details = account.billingDetails();
        return new BillTo(details != null && details.legalName() != null ? details.legalName() : account.name(),
                details == null ? List.of() : details.addressLines(), details == null ? null : details.taxId());
    }
}
