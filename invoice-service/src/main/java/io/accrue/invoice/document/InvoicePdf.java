package io.accrue.invoice.document;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.lowagie.text.Anchor;
import com.lowagie.text.Document;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.FontFactory;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;

import io.accrue.common.money.MinorUnits;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceDetail;
import io.accrue.invoice.invoices.InvoiceViews.LineView;

/**
 * Renders an invoice or credit note as a PDF a finance team can file: seller and bill-to (name, address, tax id),
 * number, issue and due dates, payment terms, service period, every line with quantity, unit price, amount and its
 * own period when it differs, the totals, credit-note references both ways and the payment link while Stripe has
 * one. Pure (no CDI): {@link InvoiceDocuments} gathers the inputs.
 */
public final class InvoicePdf {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy").withZone(ZoneOffset.UTC);
    private static final Font TITLE = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 18);
    private static final Font BOLD = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 9);
    private static final Font NORMAL = FontFactory.getFont(FontFactory.HELVETICA, 9);
    private static final Font LINK = FontFactory.getFont(FontFactory.HELVETICA, 9, Font.UNDERLINE,
            new Color(20, 80, 180));
    private static final Font SMALL = FontFactory.getFont(FontFactory.HELVETICA, 7, Font.NORMAL, Color.DARK_GRAY);

    private InvoicePdf() {
    }

    public record Issuer(String name, String address, String taxId) {}

    /**
     * The bill-to party: the account's legal name (else its display name), address lines and tax id; {@code known}
     * is false when the account could not be read when the document was made.
     */
    public record BillTo(String name, String orgId, List<String> addressLines, String taxId, boolean known) {}

    /**
     * What the document shows beside the invoice: bill-to, the number of the invoice a credit note corrects, the
     * credit notes issued against an invoice, due date and payment terms, and Stripe's payment page (null: none).
     */
    public record Context(BillTo billTo, String correctsNumber, List<String> creditNotes, Instant dueAt,
            String paymentTerms, String paymentUrl) {}

    /**
     * A unit price as a finance reader expects it: at least the currency's minor unit ({@code 99} reads
     * {@code 99.00}), finer prices at their own precision without trailing zeros ({@code 0.003000000000} reads
     * {@code 0.003}); never rounded, since the line's amount is what was rounded.
     */
    static String unitPrice(BigDecimal unit, String currency) {
        BigDecimal plain = unit.stripTrailingZeros();
        int minor = MinorUnits.digits(currency);
        return (plain.scale() < minor ? plain.setScale(minor) : plain).toPlainString();
    }

    public static byte[] render(InvoiceDetail invoice, Issuer issuer, Context context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document doc = new Document(PageSize.A4, 48, 48, 48, 48);
        PdfWriter.getInstance(doc, out);
        doc.addTitle(title(invoice) + " " + (invoice.number() == null ? "(draft)" : invoice.number()));
        doc.addCreator("Accrue invoice-service");
        doc.open();

        doc.add(new Paragraph(title(invoice) + (invoice.number() == null ? "" : " " + invoice.number()), TITLE));
        if (invoice.number() == null) {
            doc.add(new Paragraph("DRAFT — not a valid invoice until finalised", BOLD));
        }
        PdfPTable head = new PdfPTable(2);
        head.setWidthPercentage(100);
        head.setSpacingBefore(12);
        head.addCell(block("From", lines(issuer.name(), issuer.address(),
                blank(issuer.taxId()) ? null : "Tax id: " + issuer.taxId())));
        head.addCell(block("Bill to", billTo(context.billTo())));
        head.addCell(block(invoice.kind().equals("credit_note") ? "Credit note number" : "Invoice number",
                invoice.number() == null ? "—" : invoice.number()));
        head.addCell(block("Issue date", invoice.issuedAt() == null ? "—" : DATE.format(invoice.issuedAt())));
        head.addCell(block("Service period", DATE.format(invoice.periodStart()) + " – "
                + DATE.format(invoice.periodEnd().minusSeconds(1)) + " (UTC)"));
        head.addCell(block("Due date", context.dueAt() == null ? "—" : DATE.format(context.dueAt())));
        head.addCell(block("Status / currency", invoice.status() + " / " + invoice.currency()));
        head.addCell(block("Payment terms", nz(context.paymentTerms())));
        if (invoice.correctsInvoiceId() != null) {
            head.addCell(block("Credits invoice", context.correctsNumber() != null
                    ? context.correctsNumber()
                    : invoice.correctsInvoiceId().toString()));
            head.addCell(block("", ""));
        }
        if (!context.creditNotes().isEmpty()) {
            head.addCell(block("Credit notes issued against this invoice", String.join(", ", context.creditNotes())));
            head.addCell(block("", ""));
        }
        doc.add(head);

        PdfPTable lines = new PdfPTable(new float[]{0.5f, 5f, 1.6f, 1.6f, 1.6f});
        lines.setWidthPercentage(100);
        lines.setSpacingBefore(16);
        lines.setHeaderRows(1);
        for (String h : List.of("#", "Description", "Quantity", "Unit price", "Amount")) {
            PdfPCell c = new PdfPCell(new Phrase(h, BOLD));
            c.setBackgroundColor(new Color(235, 235, 235));
            c.setHorizontalAlignment(
                    h.equals("#") || h.equals("Description") ? Element.ALIGN_LEFT : Element.ALIGN_RIGHT);
            lines.addCell(c);
        }
        for (LineView l : invoice.lines()) {
            lines.addCell(cell(String.valueOf(l.position()), false));
            String period = l.periodStart().equals(invoice.periodStart()) && l.periodEnd().equals(invoice.periodEnd())
                    ? ""
                    : "\nperiod " + DATE.format(l.periodStart()) + " – " + DATE.format(l.periodEnd().minusSeconds(1));
            PdfPCell d = new PdfPCell();
            d.addElement(new Phrase(l.description(), NORMAL));
            if (!period.isEmpty()) {
                d.addElement(new Phrase(period.strip(), SMALL));
            }
            lines.addCell(d);
            lines.addCell(cell(l.quantity().toPlainString(), true));
            lines.addCell(cell(l.unitAmount() == null ? "" : unitPrice(l.unitAmount(), invoice.currency()), true));
            lines.addCell(cell(l.amount().toPlainString(), true));
            // a cost-plus line lists what it charges per priced dimension, unrounded (the line rounds once)
            for (var dim : l.dimensions()) {
                lines.addCell(cell("", false));
                lines.addCell(new PdfPCell(new Phrase("    " + DimensionLabels.label(dim.dimension()), SMALL)));
                lines.addCell(small(String.valueOf(dim.quantity())));
                lines.addCell(small(""));
                lines.addCell(small(DimensionLabels.amount(dim.amount())));
            }
        }
        doc.add(lines);

        PdfPTable totals = new PdfPTable(new float[]{7.7f, 1.6f});
        totals.setWidthPercentage(100);
        totals.setSpacingBefore(8);
        totals.addCell(cell("Subtotal", true));
        totals.addCell(cell(invoice.subtotal().toPlainString(), true));
        totals.addCell(total("Total " + invoice.currency()));
        totals.addCell(total(invoice.total().toPlainString()));
        doc.add(totals);

        if (context.paymentUrl() != null) {
            Paragraph pay = new Paragraph();
            pay.setSpacingBefore(12);
            pay.add(new Phrase("Pay online: ", BOLD));
            Anchor link = new Anchor(context.paymentUrl(), LINK);
            link.setReference(context.paymentUrl());
            pay.add(link);
            doc.add(pay);
        }
        doc.add(new Paragraph(
                "\nAmounts are in " + invoice.currency() + ". Each line is rounded once to the currency's "
                        + "minor unit; the total is the exact sum of the lines. Invoice id " + invoice.id() + ".",
                SMALL));
        doc.close();
        return out.toByteArray();
    }

    private static String title(InvoiceDetail invoice) {
        return switch (invoice.kind()) {
            case "credit_note" -> "Credit note";
            case "supplementary" -> "Supplementary invoice"; // charges what a late timeline change added (rule 12a)
            default -> "Invoice";
        };
    }

    private static PdfPCell block(String label, String value) {
        PdfPCell c = new PdfPCell();
        c.setBorder(PdfPCell.NO_BORDER);
        c.addElement(new Phrase(label, SMALL));
        c.addElement(new Phrase(value, NORMAL));
        return c;
    }

    private static PdfPCell small(String text) {
        PdfPCell c = new PdfPCell(new Phrase(text, SMALL));
        c.setHorizontalAlignment(Element.ALIGN_RIGHT);
        return c;
    }

    private static PdfPCell cell(String text, boolean right) {
        PdfPCell c = new PdfPCell(new Phrase(text, NORMAL));
        c.setHorizontalAlignment(right ? Element.ALIGN_RIGHT : Element.ALIGN_LEFT);
        return c;
    }

    private static PdfPCell total(String text) {
        PdfPCell c = new PdfPCell(new Phrase(text, BOLD));
        c.setHorizontalAlignment(Element.ALIGN_RIGHT);
        return c;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The non-blank parts, one per line. */
    private static String lines(String... parts) {
        return String.join("\n", java.util.Arrays.stream(parts).filter(p -> !blank(p)).toList());
    }

    private static String billTo(BillTo to) {
        if (!to.known()) {
            return "Organisation " + to.orgId() + "\n(billing details unavailable when this copy was made)";
        }
        List<String> parts = new java.util.ArrayList<>();
        parts.add(to.name());
        parts.addAll(to.addressLines());
        if (!blank(to.taxId())) {
            parts.add("Tax id: " + to.taxId());
        }
        parts.add("Organisation: " + to.orgId());
        return lines(parts.toArray(String[]::new));
    }
}
