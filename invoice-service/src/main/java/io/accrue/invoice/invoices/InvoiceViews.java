package io.accrue.invoice.invoices;

import static io.accrue.invoice.compute.Rounding.plain;
import static io.accrue.invoice.compute.Rounding.present;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Response records of the invoice API. Amounts are decimals serialised as JSON strings. */
public final class InvoiceViews {

    private InvoiceViews() {
    }

    public record InvoiceSummary(UUID id, String orgId, String kind, String number, String status,
            Instant periodStart, Instant periodEnd, String currency, BigDecimal subtotal, BigDecimal total,
            Instant issuedAt, Instant finalisedAt, int linesCount) {

        static InvoiceSummary of(Invoice i) {
            return new InvoiceSummary(i.id, i.orgId, i.kind, i.number, i.status.wire(), i.periodStart, i.periodEnd,
                    i.currency, present(i.subtotal, i.currency), present(i.total, i.currency), i.issuedAt,
                    i.finalisedAt, i.lineCount);
        }
    }

    /**
     * @param fx on a line converted from another currency: the rate it used (docs/billing-rules.md,
     *        "Currencies"); null on every other line
     * @param dimensions on a cost-plus line: what each priced dimension (input, cache reads and writes, audio,
     *        images, reasoning, long-context and service-tier tokens, units, request fees) contributes; empty on
     *        every other line
     */
    public record LineView(int position, String type, String description, String meter, String model,
            BigDecimal quantity, BigDecimal unitAmount, BigDecimal amount, Instant periodStart,
            Instant periodEnd, FxView fx, List<DimensionView> dimensions) {

        static LineView of(InvoiceLine l, String currency) {
            return new LineView(l.position, l.type, l.description, l.meter, l.model,
                    plain(l.quantity), plain(l.unitAmount), present(l.amount, currency), l.periodStart,
                    l.periodEnd, FxView.of(l), DimensionView.of(l));
        }
    }

    /**
     * One priced dimension of a line: {@code cost} is the provider cost (catalog currency), {@code amount} the exact,
     * unrounded charge in the invoice currency; the amounts of a line add up to what the line rounds once.
     */
    public record DimensionView(String dimension, String kind, long quantity, BigDecimal cost, BigDecimal amount) {

        static List<DimensionView> of(InvoiceLine l) {
            return l.dimensions == null
                    ? List.of()
                    : l.dimensions.stream().map(DimensionView::of).toList();
        }

        public static DimensionView of(Map<String, String> d) {
            return new DimensionView(d.get("dimension"), d.get("kind"), Long.parseLong(d.get("quantity")),
                    plain(new BigDecimal(d.get("cost"))), plain(new BigDecimal(d.get("amount"))));
        }
    }

    /** 1 {@code fromCurrency} = {@code rate} of the invoice currency, the reference rate of {@code rateDate}. */
    public record FxView(String fromCurrency, BigDecimal originalAmount, BigDecimal rate, LocalDate rateDate,
            String source) {

        static FxView of(InvoiceLine l) {
            return l.fxRate == null
                    ? null
                    : new FxView(l.fxFromCurrency, plain(l.fxOriginalAmount), plain(l.fxRate), l.fxRateDate,
                            l.fxSource);
        }
    }

    public record InvoiceDetail(UUID id, String orgId, String kind, String number, String status,
            Instant periodStart, Instant periodEnd, String currency, BigDecimal subtotal, BigDecimal total,
            Instant createdAt, Instant issuedAt, Instant finalisedAt, UUID correctsInvoiceId,
            String stripeInvoiceId, BigDecimal creditsApplied, BigDecimal creditsReturned,
            BigDecimal commitmentReturned,
            List<LineView> lines) {

        static InvoiceDetail of(Invoice i, List<InvoiceLine> lines) {
            return new InvoiceDetail(i.id, i.orgId, i.kind, i.number, i.status.wire(), i.periodStart, i.periodEnd,
                    i.currency, present(i.subtotal, i.currency), present(i.total, i.currency), i.createdAt, i.issuedAt,
                    i.finalisedAt, i.correctsInvoiceId,
                    i.stripeInvoiceId, present(i.creditsApplied, i.currency), present(i.creditsReturned, i.currency),
                    present(i.commitmentReturned, i.currency),
                    lines.stream().map(l -> LineView.of(l, i.currency)).toList());
        }
    }
}
