package io.accrue.invoice.export;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.accrue.common.security.Roles;
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.run.Neighbours;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

@QuarkusTest
class BillingExportTest {

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL root;

    private String exportUrl;

    @Inject
    EntityManager em;
    @Inject
    CircuitBreakerMaintenance breakers;

    private String org;

    @BeforeEach
    void standIns() {
        breakers.resetAll();
        Neighbours.reset();
        exportUrl = root.toString().replaceAll("/$", "");
        org = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        var n = StandInsResource.neighbours();
        n.stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription/events")).willReturn(okJson("""
                {"items":[{"id":"ev-1","type":"subscription_created","occurredAt":"2025-12-01T00:00:00Z",
                 "effectiveAt":"2025-12-01T00:00:00Z","planSlug":"pro","planVersion":3,"toStatus":"active"}],
                 "nextCursor":null,"hasMore":false}""")));
        n.stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts")).willReturn(
                okJson("""
                        {"items":[{"contractId":"c-1","status":"active","currency":"USD"}],"nextCursor":null,"hasMore":false}""")));
        Neighbours.usage(org, 1234, 5);
        // the audit trail comes in two pages: the export follows the cursor
        n.stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/audit")).atPriority(5).willReturn(
                okJson("""
                        {"items":[{"id":"a-1","actor":"bob","action":"subscription.upgraded","target":"subscription","before":null,
                         "after":"{}","at":"2026-03-01T00:00:00Z"}],"nextCursor":"c2","hasMore":true}""")));
        n.stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/audit")).atPriority(1)
                .withQueryParam("cursor", com.github.tomakehurst.wiremock.client.WireMock.equalTo("c2"))
                .willReturn(
                        okJson("""
                                {"items":[{"id":"a-2","actor":"stripe","action":"dunning.past_due","target":"account","before":null,
                                 "after":null,"at":"2026-03-02T00:00:00Z"}],"nextCursor":null,"hasMore":false}""")));
    }

    @Test
    void exportOf100000LinesStreamsInFlatMemory() throws Exception {
        int invoices = 1000;
        int linesPer = 100;
        insert(invoices, linesPer);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        long peak = 0;
        long bytes = 0;
        long lineObjects = 0;
        long invoiceObjects = 0;
        long started = System.nanoTime();
        // a streaming client (rest-assured would buffer the whole body and spoil the measurement)
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(exportUrl + "/v1/orgs/" + org + "/billing-export"))
                .header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN)).build();
        var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals("accrue.billing-export/1", response.headers().firstValue("X-Accrue-Export-Schema").orElse(null));
        try (InputStream in = response.body()) {
            CountingStream counting = new CountingStream(in);
            JsonParser p = new JsonFactory().createParser(counting);
            int depth = 0;
            long nextSample = 4 << 20;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    depth++;
                    if (depth == 2 && "invoices".equals(parentName(p))) {
                        invoiceObjects++;
                    }
                    if (depth == 3 && "lines".equals(parentName(p))) {
                        lineObjects++;
                    }
                } else if (t == JsonToken.END_OBJECT) {
                    depth--;
                }
                if (counting.count > nextSample) {
                    System.gc();
                    peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed() - baseline);
                    nextSample += 4 << 20;
                }
            }
            bytes = counting.count;
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(invoices, invoiceObjects);
        assertEquals((long) invoices * linesPer, lineObjects);
        System.out.printf("billing export: %d invoices, %d lines, %d bytes in %d ms, heap growth peak %d KiB%n",
                invoiceObjects, lineObjects, bytes, millis, peak / 1024);
        // the document is far larger than what the heap may grow by while it is produced and read
        assertTrue(bytes > 25L << 20, "document size " + bytes);
        assertTrue(peak < 16L << 20, "heap grew by " + (peak >> 20) + " MiB while streaming " + (bytes >> 20) + " MiB");
    }

    @Test
    void exportCarriesEveryVersionedSection() {
        insert(2, 3);
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/billing-export", org)
                .then().statusCode(200)
                .body("schema", equalTo("accrue.billing-export"))
                .body("schemaVersion", equalTo(1))
                .body("orgId", equalTo(org))
                .body("generatedAt", equalTo("2026-03-15T10:00:00Z"))
                .body("invoices.size()", equalTo(2))
                .body("invoices[0].lines.size()", equalTo(3))
                .body("invoices[0].lines[0].amount", equalTo("1.25"))
                .body("invoices[0].total", equalTo("3.75"))
                .body("subscriptionEvents[0].id", equalTo("ev-1"))
                .body("contracts[0].contractId", equalTo("c-1"))
                .body("usageSummaries.size()", equalTo(2))
                .body("usageSummaries[0].totals.totalTokens", equalTo(1234))
                .body("auditTrail.id", equalTo(java.util.List.of("a-1", "a-2")))
                .body("counts.invoiceLines", equalTo(6))
                .body("counts.auditEntries", equalTo(2));
    }

    @Test
    void neighbourDownIsA502BeforeAnyByteAndOthersCannotExport() {
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts"))
                .willReturn(aResponse().withStatus(503)));
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/billing-export", org)
                .then().statusCode(502).contentType("application/problem+json")
                .body("code", equalTo("neighbour_unavailable"));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/billing-export", org)
                .then().statusCode(403).body("code", equalTo("forbidden"));
        given().header("Authorization", TestTokens.bearer("other-org", Roles.OWNER))
                .when().get("/v1/orgs/{org}/billing-export", org)
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
    }

    private void insert(int invoices, int linesPer) {
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    INSERT INTO invoices (id, org_id, kind, status, series, number, period_start, period_end, currency,
                        subtotal, total, line_count, created_at, issued_at, finalised_at, status_changed_at)
                    SELECT gen_random_uuid(), ?1, 'invoice', 'draft', 'EXP-' || ?1, NULL,
                        timestamptz '2000-01-01' + (g || ' months')::interval,
                        timestamptz '2000-01-01' + ((g + 1) || ' months')::interval, 'USD',
                        1.25 * ?2, 1.25 * ?2, ?2, now(), now(), now(), now()
                    FROM generate_series(1, ?3) g""")
                    .setParameter(1, org).setParameter(2, linesPer).setParameter(3, invoices).executeUpdate();
            em.createNativeQuery("""
                    INSERT INTO invoice_lines (id, invoice_id, position, type, description, meter, model, quantity,
                        unit_amount, amount, period_start, period_end)
                    SELECT gen_random_uuid(), i.id, p, 'llm_usage', 'gpt-4o (openai) at provider cost + 20%',
                        'llm_tokens', 'gpt-4o', 125000, 0.00001, 1.25, i.period_start, i.period_end
                    FROM invoices i CROSS JOIN generate_series(1, ?2) p WHERE i.org_id = ?1""")
                    .setParameter(1, org).setParameter(2, linesPer).executeUpdate();
            // finalised after their lines are written, as the billing run does (lines freeze at finalisation)
            em.createNativeQuery("UPDATE invoices SET status = 'open', number = 'EXP-' || id WHERE org_id = ?1")
                    .setParameter(1, org).executeUpdate();
            em.createNativeQuery("""
                    INSERT INTO billing_periods (id, org_id, period_start, period_end, closed_at, usage_recorded_before)
                    SELECT gen_random_uuid(), ?1, period_start, period_end, now(), now()
                    FROM invoices WHERE org_id = ?1 ORDER BY period_start LIMIT 2""")
                    .setParameter(1, org).executeUpdate();
        });
    }

    private static String parentName(JsonParser p) {
        // at START_OBJECT: the object's parent is the array, whose parent holds the array's field name
        var array = p.getParsingContext().getParent();
        var holder = array == null ? null : array.getParent();
        return holder == null ? null : holder.getCurrentName();
    }

    static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
