package io.accrue.invoice.invoices;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.invoice.invoices.InvoiceRepository.After;
import io.accrue.invoice.invoices.InvoiceRepository.Filter;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceDetail;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceSummary;

/** Reads of invoices: the cursor-paginated list and the detail with lines. */
@ApplicationScoped
public class InvoiceQueryService {

    private final InvoiceRepository invoices;
    private final InvoiceLineRepository lines;

    InvoiceQueryService(InvoiceRepository invoices, InvoiceLineRepository lines) {
        this.invoices = invoices;
        this.lines = lines;
    }

    public CursorPage<InvoiceSummary> list(String orgId, String status, String periodFrom, String periodTo,
            String cursor, Integer limit) {
        int size = Cursors.limit(limit);
        Filter filter = new Filter(orgId == null || orgId.isBlank() ? null : orgId,
                status == null || status.isBlank() ? null : InvoiceStatus.parse(status),
                instant("periodFrom", periodFrom), instant("periodTo", periodTo));
        After after = cursor == null || cursor.isBlank() ? null : after(cursor);
        List<Invoice> rows = invoices.page(filter, after, size + 1);
        boolean more = rows.size() > size;
        List<Invoice> shown = more ? rows.subList(0, size) : rows;
        String next = null;
        if (more) {
            Invoice last = shown.get(shown.size() - 1);
            next = Cursors.encode(last.periodStart.toString(), last.id.toString());
        }
        return CursorPage.of(shown.stream().map(InvoiceSummary::of).toList(), next);
    }

    public InvoiceDetail get(String orgId, String invoiceId) {
        Invoice invoice = find(orgId, invoiceId);
        return InvoiceDetail.of(invoice, lines.ofInvoice(invoice.id));
    }

    /** An invoice of this organisation, or 404 {@code invoice_not_found} (also for a malformed id). */
    public Invoice find(String orgId, String invoiceId) {
        UUID id;
        try {
            id = UUID.fromString(invoiceId);
        } catch (IllegalArgumentException e) {
            throw notFound(invoiceId);
        }
        return invoices.findInOrg(orgId, id).orElseThrow(() -> notFound(invoiceId));
    }

    private static ApiException notFound(String invoiceId) {
        return ApiException.notFound("invoice_not_found", "No invoice '" + invoiceId + "' in this organisation.");
    }

    private static After after(String cursor) {
        List<String> parts = Cursors.decode(cursor, 2);
        try {
            return new After(Instant.parse(parts.get(0)), UUID.fromString(parts.get(1)));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
        }
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_value",
                    name + " must be an ISO-8601 instant such as 2026-03-01T00:00:00Z.");
        }
    }
}
