package io.accrue.invoice.invoices;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;

/** Writes invoices straight to the database, so read tests do not depend on the billing run. */
@ApplicationScoped
public class InvoiceFixtures {

    @Inject
    EntityManager em;

    public Invoice insert(String org, String status, Instant start, Instant end, String currency,
            String... lineAmounts) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Invoice i = new Invoice();
            i.id = UUID.randomUUID();
            i.orgId = org;
            i.kind = Invoice.KIND_INVOICE;
            // written as a draft first: the database freezes lines once an invoice is finalised
            i.status = InvoiceStatus.DRAFT;
            i.series = "INV";
            i.number = null;
            i.periodStart = start;
            i.periodEnd = end;
            i.currency = currency;
            BigDecimal sum = BigDecimal.ZERO;
            for (int n = 0; n < lineAmounts.length; n++) {
                sum = sum.add(new BigDecimal(lineAmounts[n]));
            }
            i.subtotal = sum;
            i.total = sum;
            i.lineCount = lineAmounts.length;
            i.createdAt = end;
            i.statusChangedAt = end;
            em.persist(i);
            em.flush();
            for (int n = 0; n < lineAmounts.length; n++) {
                InvoiceLine l = new InvoiceLine();
                l.id = UUID.randomUUID();
                l.invoiceId = i.id;
                l.position = n + 1;
                l.type = n == 0 ? "base_fee" : "overage";
                l.description = n == 0 ? "Pro plan" : "LLM tokens above allowance";
                l.meter = n == 0 ? null : "llm_tokens";
                l.quantity = n == 0 ? BigDecimal.ONE : new BigDecimal("2500");
                l.unitAmount = n == 0 ? new BigDecimal(lineAmounts[n]) : new BigDecimal("0.003000000000");
                l.amount = new BigDecimal(lineAmounts[n]);
                l.periodStart = start;
                l.periodEnd = end;
                em.persist(l);
            }
            em.flush();
            if (!status.equals("draft")) {
                i.status = InvoiceStatus.parse(status);
                i.number = "INV-" + i.id.toString().substring(0, 8);
                i.issuedAt = end;
                i.finalisedAt = end;
                em.flush();
            }
            return i;
        });
    }
}
