package io.accrue.invoice.invoices;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class InvoiceLineRepository implements PanacheRepositoryBase<InvoiceLine, UUID> {

    public List<InvoiceLine> ofInvoice(UUID invoiceId) {
        return list("invoiceId = ?1 order by position", invoiceId);
    }
}
