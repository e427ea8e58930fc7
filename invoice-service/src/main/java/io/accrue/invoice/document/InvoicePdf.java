package io.accrue.invoice.document;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

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

import io.accrue.invoice.invoices.InvoiceViews.InvoiceDetail;
import io.accrue.invoice.invoices.InvoiceViews.LineView;

/**
 * Renders an invoice or credit note as a PDF a finance team can file: issuer and customer, number, issue date,
 * service period, every line with quantity, unit price and amount, and the totals. Pure (no CDI).
 */
public final class InvoicePdf {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy").withZone(ZoneOffset.UTC);
    private static final Font TITLE = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 18);
    private static final Font BOLD = FontFactory.getFont(FontFactory.HELVETICA_BOLD, 9);
    private static final Font NORMAL = FontFactory.getFont(FontFactory.HELVETICA, 9);
    private static final Font SMALL = FontFactory.getFont(FontFactory.HELVETICA, 7, Font.NORMAL, Color.DARK_GRAY);

    private InvoicePdf() {
    }

    public record Issuer(String name, String address, String taxId) {}

    public static byte[] render(InvoiceDetail invoice, Issuer issuer, String customerName) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Document doc = new Document(PageSize.A4, 48, 48, 48, 48);
        PdfWriter.getInstance(doc, out);
        doc.addTitle(title(invoice) + " " + (invoice.number() == null ? "(draft)" : invoice.number()));
        doc.addCreator("Accrue invoice-service");
        doc.open();

        doc.add(new Paragraph(title(invoice), TITLE));
        if (invoice.number() == null) {
            doc.add(new Paragraph("DRAFT — not a valid invoice until finalised", BOLD));
        }
        PdfPTable head = new PdfPTable(2);
        head.setWidthPercentage(100);
        head.setSpacingBefore(12);
        head.addCell(block("From", issuer.name() + "\n" + nz(issuer.address())
                + (issuer.taxId() == null || issuer.taxId().isBlank() ? "" : "\nTax id: " + issuer.taxId())));
        head.addCell(block("Bill to", nz(customerName) + "\nOrganisation: " + invoice.orgId()));
        head.addCell(block("Number", invoice.number() == null ? "—" : invoice.number()));
        head.addCell(block("Issued", invoice.issuedAt() == null ? "—" : DATE.format(invoice.issuedAt())));
        head.addCell(block("Service period", DATE.format(invoice.periodStart()) + " – "
                + DATE.format(invoice.periodEnd().minusSeconds(1)) + " (UTC)"));
        head.addCell(block("Status / currency", invoice.status() + " / " + invoice.currency()));
        if (invoice.correctsInvoiceId() != null) {
            head.addCell(block("Corrects invoice", invoice.correctsInvoiceId().toString()));
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
            lines.addCell(cell(l.unitAmount() == null ? "" : l.unitAmount().toPlainString(), true));
            lines.addCell(cell(l.amount().toPlainString(), true));
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

        doc.add(new Paragraph(
                "\nAmounts are in " + invoice.currency() + ". Each line is rounded once to the currency's "
                        + "minor unit; the total is the exact sum of the lines. Invoice id " + invoice.id() + ".",
                SMALL));
        doc.close();
        return out.toByteArray();
    }

    private static String title(InvoiceDetail invoice) {
        return invoice.kind().equals("credit_note") ? "Credit note" : "Invoice";
    }

    private static PdfPCell block(String label, String value) {
        PdfPCell c = new PdfPCell();
        c.setBorder(PdfPCell.NO_BORDER);
        c.addElement(new Phrase(label, SMALL));
        c.addElement(new Phrase(value, NORMAL));
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
}
