package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.util.List;

/**
 * The result: lines rounded once each; {@code subtotal} is the exact sum of the charge lines and {@code total}
 * the exact sum of all lines (charges minus credits). {@code commitmentDrawdown} and {@code creditsApplied} are
 * reported to contract-service.
 */
public record ComputedInvoice(String currency, List<ComputedLine> lines, BigDecimal subtotal, BigDecimal total,
        BigDecimal commitmentDrawdown, BigDecimal creditsApplied) {}
