package io.accrue.invoice.document;

import java.util.List;

import io.accrue.invoice.invoices.InvoiceViews.InvoiceDetail;
import io.accrue.invoice.invoices.InvoiceViews.LineView;

/** The lines of an invoice as RFC 4180 CSV (one header row; amounts as plain decimals). */
public final class LinesCsv {

    public static final String HEADER = "invoice_number,position,type,description,meter,model,quantity,unit_amount,"
            + "amount,currency,period_start,period_end";

    private LinesCsv() {
    }

    public static String render(InvoiceDetail invoice) {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (LineView l : invoice.lines()) {
            out.append(String.join(",", List.of(field(invoice.number()), String.valueOf(l.position()), field(l.type()),
                    field(l.description()), field(l.meter()), field(l.model()), l.quantity().toPlainString(),
                    l.unitAmount() == null ? "" : l.unitAmount().toPlainString(), l.amount().toPlainString(),
                    invoice.currency(), l.periodStart().toString(), l.periodEnd().toString()))).append("\r\n");
        }
        return out.toString();
    }

    /** Quotes a field when needed; a leading =, +, - or @ is prefixed so spreadsheets never run it as a formula. */
    public static String field(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
