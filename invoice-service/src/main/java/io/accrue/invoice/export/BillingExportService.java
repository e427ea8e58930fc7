package io.accrue.invoice.export;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.error.ApiException;
import io.accrue.invoice.client.ContractClient;
import io.accrue.invoice.client.NeighbourUnavailable;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords.EventPage;
import io.accrue.invoice.client.UsageClient;
import io.accrue.invoice.compute.Rounding;
import io.accrue.invoice.invoices.InvoiceViews;

/**
 * The full billing export of one organisation, schema {@code accrue.billing-export} version 1
 * (invoice-service/docs/billing-export.md). Invoices and lines stream from a server-side database cursor
 * straight into the response, so memory stays flat whatever the number of lines. What comes from the
 * neighbours (subscription events, contract records, usage summaries per closed period) is bounded by
 * periods and contracts, not by usage, and is read before the first byte is sent: a neighbour that is down
 * answers a clean 502 instead of a truncated document.
 */
@ApplicationScoped
public class BillingExportService {

    public static final int SCHEMA_VERSION = 1;
    private static final int FETCH_SIZE = 1000;
    private static final ObjectMapper DIMENSIONS = new ObjectMapper();
    private static final com.fasterxml.jackson.core.type.TypeReference<List<Map<String, String>>> DIMENSION_LIST = new com.fasterxml.jackson.core.type.TypeReference<>() {
    };

    private final DataSource dataSource;
    private final SubscriptionClient subscriptionClient;
    private final UsageClient usageClient;
    private final ContractClient contractClient;
    private final ObjectMapper mapper;
    private final Clock clock;

    BillingExportService(DataSource dataSource, SubscriptionClient subscriptionClient, UsageClient usageClient,
            ContractClient contractClient, ObjectMapper mapper, Clock clock) {
        this.dataSource = dataSource;
        this.subscriptionClient = subscriptionClient;
        this.usageClient = usageClient;
        this.contractClient = contractClient;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** What the export needs from the neighbours, read up front. */
    public record NeighbourData(List<JsonNode> subscriptionEvents, List<JsonNode> contracts,
            List<JsonNode> usageSummaries, List<JsonNode> auditTrail) {}

    public NeighbourData gather(String orgId) {
        try {
            List<JsonNode> events = new ArrayList<>();
            String cursor = null;
            do {
                // everything recorded so far, including entries effective later (scheduled changes) and entries a
                // neighbour's clock put a moment ahead of ours: the window's end is far beyond now
                EventPage page = subscriptionClient.eventPage(orgId, Instant.parse("2000-01-01T00:00:00Z"),
                        clock.instant().plus(java.time.Duration.ofDays(3660)), cursor);
                if (page.items() != null) {
                    page.items().forEach(e -> events.add(mapper.valueToTree(e)));
                }
                cursor = page.hasMore() ? page.nextCursor() : null;
            } while (cursor != null);

            List<JsonNode> contracts = allItems(at -> contractClient.contractPage(orgId, at));
            List<JsonNode> audit = allItems(at -> subscriptionClient.auditPage(orgId, at));

            List<JsonNode> usage = new ArrayList<>();
            for (Instant[] period : closedPeriods(orgId)) {
                var summary = usageClient.usage(orgId, period[0], period[1], null);
                usage.add(mapper.valueToTree(summary));
            }
            return new NeighbourData(events, contracts, usage, audit);
        } catch (NeighbourUnavailable e) {
            throw new ApiException(502, "neighbour_unavailable", "Bad gateway",
                    "The export needs data another service could not give just now (" + e.getMessage()
                            + "); try again shortly.");
        } catch (org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException e) {
            // an open circuit breaker or a timeout, raised around the client call: the same honest answer
            throw new ApiException(502, "neighbour_unavailable", "Bad gateway",
                    "The export needs data another service could not give just now; try again shortly.");
        }
    }

    /** Every item of a neighbour's cursor-paginated list (docs/internal-apis.md: items, nextCursor, hasMore). */
    private static List<JsonNode> allItems(java.util.function.Function<String, JsonNode> pageAt) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = pageAt.apply(cursor);
            page.path("items").forEach(items::add);
            cursor = page.path("hasMore").asBoolean(false) && page.hasNonNull("nextCursor")
                    ? page.get("nextCursor").asText()
                    : null;
        } while (cursor != null);
        return items;
    }

    public void write(String orgId, NeighbourData data, OutputStream out) throws IOException {
        JsonFactory factory = mapper.getFactory();
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            json.setCodec(mapper);
            json.writeStartObject();
            json.writeStringField("schema", "accrue.billing-export");
            json.writeNumberField("schemaVersion", SCHEMA_VERSION);
            json.writeStringField("orgId", orgId);
            json.writeStringField("generatedAt", clock.instant().toString());
            json.writeFieldName("invoices");
            json.writeStartArray();
            long lines = streamInvoices(orgId, json);
            json.writeEndArray();
            json.writeFieldName("subscriptionEvents");
            writeAll(json, data.subscriptionEvents());
            json.writeFieldName("contracts");
            writeAll(json, data.contracts());
            json.writeFieldName("usageSummaries");
            writeAll(json, data.usageSummaries());
            json.writeFieldName("auditTrail");
            writeAll(json, data.auditTrail());
            json.writeFieldName("writeOffs");
            int writeOffs = writeOffs(orgId, json);
            json.writeObjectFieldStart("counts");
            json.writeNumberField("invoiceLines", lines);
            json.writeNumberField("subscriptionEvents", data.subscriptionEvents().size());
            json.writeNumberField("contracts", data.contracts().size());
            json.writeNumberField("usageSummaries", data.usageSummaries().size());
            json.writeNumberField("auditEntries", data.auditTrail().size());
            json.writeNumberField("writeOffs", writeOffs);
            json.writeEndObject();
            json.writeEndObject();
        }
    }

    private static void writeAll(JsonGenerator json, List<JsonNode> nodes) throws IOException {
        json.writeStartArray();
        for (JsonNode n : nodes) {
            json.writeTree(n);
        }
        json.writeEndArray();
    }

    /** One pass over invoices ⋈ lines in a server-side cursor; consecutive rows of one invoice form one object. */
    private long streamInvoices(String orgId, JsonGenerator json) throws IOException {
        String sql = "SELECT i.id, i.kind, i.number, i.status, i.series, i.period_start, i.period_end, i.currency,"
                + " i.subtotal, i.total, i.line_count, i.corrects_invoice_id, i.stripe_invoice_id, i.created_at,"
                + " i.issued_at, i.finalised_at, l.position, l.type, l.description, l.meter, l.model, l.quantity,"
                + " l.unit_amount, l.amount, l.period_start AS l_start, l.period_end AS l_end, l.fx_from_currency,"
                + " l.fx_original_amount, l.fx_rate, l.fx_rate_date, l.fx_source,"
                + " l.dimensions::text AS dims"
                + " FROM invoices i LEFT JOIN invoice_lines l ON l.invoice_id = i.id WHERE i.org_id = ?"
                + " ORDER BY i.period_start, i.created_at, i.id, l.position";
        long lines = 0;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL only streams with a cursor inside a transaction
            try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(FETCH_SIZE);
                ps.setString(1, orgId);
                try (ResultSet rs = ps.executeQuery()) {
                    UUID current = null;
                    String currency = null;
                    while (rs.next()) {
                        UUID id = rs.getObject("id", UUID.class);
                        if (!id.equals(current)) {
                            if (current != null) {
                                json.writeEndArray();
                                json.writeEndObject();
                            }
                            current = id;
                            currency = rs.getString("currency").strip();
                            startInvoice(json, rs, currency);
                        }
                        if (rs.getObject("position") != null) {
                            writeLine(json, rs, currency);
                            lines++;
                        }
                    }
                    if (current != null) {
                        json.writeEndArray();
                        json.writeEndObject();
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IOException("export query failed", e);
        }
        return lines;
    }

    private static void startInvoice(JsonGenerator json, ResultSet rs, String currency)
            throws SQLException, IOException {
        json.writeStartObject();
        json.writeStringField("id", rs.getString("id"));
        json.writeStringField("kind", rs.getString("kind"));
        json.writeStringField("number", rs.getString("number"));
        json.writeStringField("status", rs.getString("status"));
        json.writeStringField("series", rs.getString("series"));
        json.writeStringField("periodStart", instant(rs, "period_start"));
        json.writeStringField("periodEnd", instant(rs, "period_end"));
        json.writeStringField("currency", currency);
        json.writeStringField("subtotal", Rounding.present(rs.getBigDecimal("subtotal"), currency).toPlainString());
        json.writeStringField("total", Rounding.present(rs.getBigDecimal("total"), currency).toPlainString());
        json.writeNumberField("linesCount", rs.getInt("line_count"));
        json.writeStringField("correctsInvoiceId", rs.getString("corrects_invoice_id"));
        json.writeStringField("stripeInvoiceId", rs.getString("stripe_invoice_id"));
        json.writeStringField("createdAt", instant(rs, "created_at"));
        json.writeStringField("issuedAt", instant(rs, "issued_at"));
        json.writeStringField("finalisedAt", instant(rs, "finalised_at"));
        json.writeFieldName("lines");
        json.writeStartArray();
    }

    private static void writeLine(JsonGenerator json, ResultSet rs, String currency) throws SQLException, IOException {
        json.writeStartObject();
        json.writeNumberField("position", rs.getInt("position"));
        json.writeStringField("type", rs.getString("type"));
        json.writeStringField("description", rs.getString("description"));
        json.writeStringField("meter", rs.getString("meter"));
        json.writeStringField("model", rs.getString("model"));
        json.writeStringField("quantity", Rounding.plain(rs.getBigDecimal("quantity")).toPlainString());
        var unit = rs.getBigDecimal("unit_amount");
        json.writeStringField("unitAmount", unit == null ? null : Rounding.plain(unit).toPlainString());
        json.writeStringField("amount", Rounding.present(rs.getBigDecimal("amount"), currency).toPlainString());
        json.writeStringField("periodStart", instant(rs, "l_start"));
        json.writeStringField("periodEnd", instant(rs, "l_end"));
        var rate = rs.getBigDecimal("fx_rate");
        if (rate == null) {
            json.writeNullField("fx");
        } else {
            // the rate a converted line used, so the export alone reproduces its amount
            json.writeObjectFieldStart("fx");
            json.writeStringField("fromCurrency", rs.getString("fx_from_currency"));
            var original = rs.getBigDecimal("fx_original_amount");
            json.writeStringField("originalAmount", original == null ? null : Rounding.plain(original).toPlainString());
            json.writeStringField("rate", Rounding.plain(rate).toPlainString());
            json.writeStringField("rateDate", rs.getString("fx_rate_date"));
            json.writeStringField("source", rs.getString("fx_source"));
            json.writeEndObject();
        }
        // a cost-plus line's priced dimensions: quantity, provider cost, exact charge (billing-rules "Invoices" rule 5b)
        json.writeFieldName("dimensions");
        json.writeStartArray();
        String dims = rs.getString("dims");
        if (dims != null) {
            for (Map<String, String> d : DIMENSIONS.readValue(dims, DIMENSION_LIST)) {
                var v = InvoiceViews.DimensionView.of(d);
                json.writeStartObject();
                json.writeStringField("dimension", v.dimension());
                json.writeStringField("kind", v.kind());
                json.writeNumberField("quantity", v.quantity());
                json.writeStringField("cost", v.cost().toPlainString());
                json.writeStringField("amount", v.amount().toPlainString());
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static String instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant().toString();
    }

    /** Periods an operator settled without an invoice: who, when and why (the ledger's audit trail). */
    private int writeOffs(String orgId, JsonGenerator json) throws IOException {
        String sql = "SELECT id, period_start, period_end, written_off_at, written_off_by, write_off_reason, attempts,"
                + " cause, last_error FROM billing_periods WHERE org_id = ? AND status = 'written_off'"
                + " ORDER BY period_start";
        int n = 0;
        json.writeStartArray();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    json.writeStartObject();
                    json.writeStringField("periodId", rs.getString("id"));
                    json.writeStringField("periodStart", instant(rs, "period_start"));
                    json.writeStringField("periodEnd", instant(rs, "period_end"));
                    json.writeStringField("writtenOffAt", instant(rs, "written_off_at"));
                    json.writeStringField("writtenOffBy", rs.getString("written_off_by"));
                    json.writeStringField("reason", rs.getString("write_off_reason"));
                    json.writeNumberField("failedAttempts", rs.getInt("attempts"));
                    json.writeStringField("lastCause", rs.getString("cause"));
                    json.writeStringField("lastError", rs.getString("last_error"));
                    json.writeEndObject();
                    n++;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        json.writeEndArray();
        return n;
    }

    private List<Instant[]> closedPeriods(String orgId) {
        String sql = "SELECT period_start, period_end FROM billing_periods WHERE org_id = ? AND status = 'invoiced'"
                + " ORDER BY period_start";
        List<Instant[]> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Instant[]{rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
