package io.accrue.invoice.enduser;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.accrue.common.error.ApiException;
import io.accrue.invoice.client.NeighbourClients;
import io.accrue.invoice.client.NeighbourUnavailable;
import io.accrue.invoice.client.UsageRecords.EndUserCounters;
import io.accrue.invoice.client.UsageRecords.Summary;
import io.accrue.invoice.compute.Rounding;

/**
 * End-user invoicing: one invoice per end user with revenue in the period, at usage-service's per-user revenue
 * (cost after the end user's rate plan), rounded once; the platform's application fee is a percentage of it,
 * rounded once. Idempotent per (organisation, end user, period).
 */
@ApplicationScoped
public class EndUserInvoiceService {

    public record Generate(@NotNull Instant periodStart, @NotNull Instant periodEnd,
            @NotNull @Pattern(regexp = "export|stripe_connect", message = "must be export or stripe_connect") String delivery,
            @Size(max = 255) @Pattern(regexp = "acct_[A-Za-z0-9]+", message = "must be a Stripe account id (acct_…)") String connectedAccountId,
            @DecimalMin("0") @DecimalMax("100") BigDecimal applicationFeePercent) {}

    public record EndUserInvoiceView(UUID id, String endUserId, Instant periodStart, Instant periodEnd, String currency,
            long totalTokens, long requests, BigDecimal amount, BigDecimal applicationFeePercent,
            BigDecimal applicationFee, String delivery, String connectedAccountId, String status, Instant createdAt) {

        static EndUserInvoiceView of(EndUserInvoice i) {
            return new EndUserInvoiceView(i.id, i.endUserId, i.periodStart, i.periodEnd, i.currency, i.totalTokens,
                    i.requests, Rounding.present(i.amount, i.currency), Rounding.plain(i.applicationFeePercent),
                    Rounding.present(i.applicationFee, i.currency), i.delivery, i.connectedAccountId, i.status,
                    i.createdAt);
        }
    }

    public record GenerateResult(int created, int alreadyInvoiced, List<EndUserInvoiceView> invoices) {}

    private final NeighbourClients neighbours;
    private final EntityManager em;
    private final Clock clock;

    EndUserInvoiceService(NeighbourClients neighbours, EntityManager em, Clock clock) {
        this.neighbours = neighbours;
        this.em = em;
        this.clock = clock;
    }

    @Transactional
    public GenerateResult generate(String orgId, Generate request) {
        Instant now = clock.instant();
        if (!request.periodStart().isBefore(request.periodEnd()) || request.periodEnd().isAfter(now)) {
            throw ApiException.unprocessable("period_invalid",
                    "The period must be [start, end) with end not after now.");
        }
        if (request.delivery().equals("stripe_connect")) {
            // sending through Connect is not built yet; refuse rather than pretend it was sent
            throw ApiException.unprocessable("delivery_unavailable",
                    "Stripe Connect delivery is not available yet; use delivery \"export\".");
        }
        Summary summary;
        try {
            summary = neighbours.usage(orgId, request.periodStart(), request.periodEnd(), now);
        } catch (NeighbourUnavailable e) {
            throw new ApiException(502, "neighbour_unavailable", "Bad gateway",
                    "usage-service could not answer just now; nothing was invoiced.");
        }
        if (summary.totals() != null && summary.totals().unpricedEvents() > 0) {
            throw ApiException.conflict("usage_not_priced", "Some usage of the period is not priced yet.");
        }
        String currency = summary.currency() == null ? "USD" : summary.currency();
        BigDecimal feePercent = request.applicationFeePercent() == null
                ? BigDecimal.ZERO
                : request.applicationFeePercent();
        int created = 0;
        int existing = 0;
        for (EndUserCounters u : summary.byEndUser() == null ? List.<EndUserCounters>of() : summary.byEndUser()) {
            if (u.revenue() == null || u.revenue().signum() <= 0) {
                continue;
            }
            BigDecimal amount = Rounding.toMinorUnit(u.revenue(), currency);
            BigDecimal fee = Rounding.toMinorUnit(amount.multiply(feePercent).movePointLeft(2), currency);
            int inserted = em.createNativeQuery("INSERT INTO end_user_invoices (id, org_id, end_user_id, period_start,"
                    + " period_end, currency, total_tokens, requests, revenue_unrounded, amount, application_fee_percent,"
                    + " application_fee, delivery, connected_account_id, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5,"
                    + " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'open', ?15)"
                    + " ON CONFLICT (org_id, end_user_id, period_start, period_end) DO NOTHING")
                    .setParameter(1, UUID.randomUUID()).setParameter(2, orgId).setParameter(3, u.endUserId())
                    .setParameter(4, request.periodStart()).setParameter(5, request.periodEnd())
                    .setParameter(6, currency).setParameter(7, u.totalTokens()).setParameter(8, u.requests())
                    .setParameter(9, u.revenue()).setParameter(10, amount).setParameter(11, feePercent)
                    .setParameter(12, fee).setParameter(13, request.delivery())
                    .setParameter(14, request.connectedAccountId()).setParameter(15, now).executeUpdate();
            if (inserted == 1) {
                created++;
            } else {
                existing++;
            }
        }
        return new GenerateResult(created, existing, list(orgId, request.periodStart(), request.periodEnd()));
    }

    @Transactional
    public List<EndUserInvoiceView> list(String orgId, Instant periodStart, Instant periodEnd) {
        return em.createQuery("select i from EndUserInvoice i where i.orgId = :o and i.periodStart = :s"
                + " and i.periodEnd = :e order by i.endUserId", EndUserInvoice.class)
                .setParameter("o", orgId).setParameter("s", periodStart).setParameter("e", periodEnd)
                .getResultList().stream().map(EndUserInvoiceView::of).toList();
    }
}
