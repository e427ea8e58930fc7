package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;

import io.accrue.common.security.Roles;
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * A cost-plus period whose usage-service summary carries each model's priced dimensions, priced from the real
 * LiteLLM file (the copy usage-service tests with): 40 Anthropic calls with cache reads and 5-minute / 1-hour cache
 * writes, 40 OpenAI audio calls, 40 Gemini calls above the 200k context tier — the same calls as usage-service's
 * {@code CostByDimensionTest}. The invoice bills each model once at cost × 1.20, rounded once; the API, the billing
 * export and the PDF list the dimensions, whose exact amounts add up to the line.
 */
@QuarkusTest
class CostByDimensionRunTest {

    private static final AtomicLong AS_OF = new AtomicLong();
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final BigDecimal MARKUP = new BigDecimal("1.20");
    private static final int CALLS = 40;
    private static JsonNode file;

    @Inject
    BillingRunService runs;
    @Inject
    BillingRunWorker worker;
    @Inject
    EntityManager em;
    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeAll
    static void load() throws IOException {
        // usage-service's copy of the file (its provenance is in the README beside it)
        Path path = Path.of("../usage-service/src/test/resources/litellm/model_prices_and_context_window.json");
        try (InputStream in = Files.newInputStream(path)) {
            file = JSON.readTree(in);
        }
    }

    @BeforeEach
    void reset() {
        breakers.resetAll();
        Neighbours.reset();
    }

    /** model → dimension → [quantity per call, the file's price field]. */
    private static Map<String, Map<String, Object[]>> calls() {
        Map<String, Map<String, Object[]>> m = new LinkedHashMap<>();
        m.put("claude-sonnet-4-20250514", dims("input", 10_000, "input_cost_per_token", "cache_read", 50_000,
                "cache_read_input_token_cost", "cache_write", 3_000, "cache_creation_input_token_cost",
                "cache_write_1h", 2_000, "cache_creation_input_token_cost_above_1hr", "output", 800,
                "output_cost_per_token"));
        m.put("gemini-2.5-pro", dims("input>200000", 250_000, "input_cost_per_token_above_200k_tokens",
                "output>200000", 2_000, "output_cost_per_token_above_200k_tokens"));
        m.put("gpt-4o-audio-preview", dims("audio_input", 2_000, "input_cost_per_audio_token", "audio_output", 1_000,
                "output_cost_per_audio_token", "input", 1_000, "input_cost_per_token", "output", 200,
                "output_cost_per_token"));
        return m;
    }

    private static Map<String, Object[]> dims(Object... v) {
        Map<String, Object[]> out = new LinkedHashMap<>();
        for (int i = 0; i < v.length; i += 3) {
            out.put((String) v[i], new Object[]{v[i + 1], v[i + 2]});
        }
        return out;
    }

    private static BigDecimal cost(String model, String dimension) {
        Object[] d = calls().get(model).get(dimension);
        return file.get(model).get((String) d[1]).decimalValue()
                .multiply(BigDecimal.valueOf(((Integer) d[0]).longValue() * CALLS)).setScale(12, RoundingMode.HALF_UP);
    }

    private static BigDecimal modelCost(String model) {
        return calls().get(model).keySet().stream().map(d -> cost(model, d)).reduce(BigDecimal.ZERO,
                BigDecimal::add);
    }

    @Test
    void eachModelIsBilledOnceAtItsPricedCostAndShowsItsDimensions() throws Exception {
        String org = "dims-" + UUID.randomUUID().toString().substring(0, 8);
        account(org);
        close();
        Invoice invoice = only(org);

        // the file's prices, 40 calls: what these calls cost now, and what they were billed before the dimensions
        // were priced (cache writes as input, audio as text, long prompts at the standard prices)
        assertEquals(new BigDecimal("3.210000000000"), modelCost("claude-sonnet-4-20250514"));
        assertEquals(new BigDecimal("6.580000000000"), modelCost("gpt-4o-audio-preview"));
        assertEquals(new BigDecimal("26.200000000000"), modelCost("gemini-2.5-pro"));
        List<String> amounts = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (String model : List.of("claude-sonnet-4-20250514", "gemini-2.5-pro", "gpt-4o-audio-preview")) {
            BigDecimal line = modelCost(model).multiply(MARKUP).setScale(2, RoundingMode.HALF_UP);
            amounts.add(line.toPlainString());
            total = total.add(line);
        }
        assertEquals(List.of("3.85", "31.44", "7.90"), amounts);
        assertEquals("43.19", total.toPlainString()); // before: 3.46 + 15.96 + 0.94 = 20.36

        var detail = given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoice.id).then().statusCode(200)
                .body("lines.type", contains("llm_usage", "llm_usage", "llm_usage"))
                .body("lines.amount", contains(amounts.toArray()))
                .body("total", equalTo(total.toPlainString()))
                .body("lines[0].dimensions.dimension",
                        contains("input", "cache_read", "cache_write", "cache_write_1h", "output"))
                .body("lines[1].dimensions.dimension", contains("input>200000", "output>200000"))
                .extract().asString();
        JsonNode lines = JSON.readTree(detail).get("lines");
        for (JsonNode line : lines) {
            String model = line.get("model").asText();
            BigDecimal exact = BigDecimal.ZERO;
            for (JsonNode d : line.get("dimensions")) {
                String dim = d.get("dimension").asText();
                assertEquals(0, cost(model, dim).compareTo(new BigDecimal(d.get("cost").asText())), model + " " + dim);
                assertEquals(0, cost(model, dim).multiply(MARKUP).compareTo(new BigDecimal(d.get("amount").asText())),
                        model + " " + dim);
                assertEquals(((Integer) calls().get(model).get(dim)[0]).longValue() * CALLS,
                        d.get("quantity").asLong());
                exact = exact.add(new BigDecimal(d.get("amount").asText()));
            }
            // the dimensions add up exactly to what the line rounds once
            assertEquals(new BigDecimal(line.get("amount").asText()), exact.setScale(2, RoundingMode.HALF_UP));
            assertEquals(0, exact.compareTo(modelCost(model).multiply(MARKUP)));
        }

        // the billing export carries them
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":null,\"hasMore\":false}")));
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/audit"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":null,\"hasMore\":false}")));
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/billing-export", org).then().statusCode(200)
                .body("invoices[0].lines[0].dimensions.dimension",
                        contains("input", "cache_read", "cache_write", "cache_write_1h", "output"))
                .body("invoices[0].lines[0].dimensions[3].cost",
                        equalTo("0.48"))
                .body("invoices[0].lines[2].dimensions[0].dimension", equalTo("audio_input"))
                .body("invoices[0].lines[2].dimensions[0].quantity", equalTo(80_000));

        // and the PDF lists them under each line
        byte[] pdf = given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices/{id}/pdf", org, invoice.id).then().statusCode(200)
                .extract().asByteArray();
        PdfReader reader = new PdfReader(pdf);
        String text = new PdfTextExtractor(reader).getTextFromPage(1);
        reader.close();
        for (String s : List.of("Cache writes (5 min)", "Cache writes (1 h)", "Cache reads",
                "Input tokens, prompts above 200000 tokens", "Audio input tokens", "Audio output tokens", "0.576",
                "43.19")) {
            assertTrue(text.contains(s), s + " in\n" + text);
        }
    }

    private void close() {
        // a run is unique per as-of: one no other test class uses
        var run = runs.start(Instant.parse("2026-03-11T07:00:00Z").plusSeconds(AS_OF.incrementAndGet()), "test");
        worker.drive(run.id(), Integer.MAX_VALUE);
    }

    /** A USD pay-per-token account, February 2026 ended, usage-service's summary with each model's dimensions. */
    private void account(String org) {
        Neighbours.accounts(List.of(org));
        n().stubFor(get(urlPathEqualTo("/v1/plans/payg/versions/1")).willReturn(okJson("""
                {"slug":"payg","version":1,"billingModel":"pay_per_token","interval":"month",
                 "basePrice":{"amount":"0","currency":"USD"},"allowances":{},"overage":[]}""")));
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson(Neighbours.accountJson(org))));
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(
                okJson("""
                        {"status":"active","currentPeriodStart":"2026-02-01T00:00:00Z","currentPeriodEnd":"2026-03-01T00:00:00Z",
                         "cancelAtPeriodEnd":false,"currency":"USD","plan":{"slug":"payg","version":1,"interval":"month",
                         "billingModel":"pay_per_token"}}""")));
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription/events")).willReturn(okJson("""
                {"items":[{"id":"ev-1","type":"subscription_created","effectiveAt":"2025-12-01T00:00:00Z",
                 "planSlug":"payg","planVersion":1,"toStatus":"active"}],"hasMore":false}""")));
        List<String> models = new ArrayList<>();
        BigDecimal all = BigDecimal.ZERO;
        for (var m : calls().entrySet()) {
            List<String> dims = new ArrayList<>();
            long tokens = 0;
            for (var d : m.getValue().entrySet()) {
                long q = ((Integer) d.getValue()[0]).longValue() * CALLS;
                tokens += q;
                dims.add("{\"dimension\":\"%s\",\"kind\":\"tokens\",\"quantity\":%d,\"cost\":\"%s\"}"
                        .formatted(d.getKey(), q, cost(m.getKey(), d.getKey()).toPlainString()));
            }
            all = all.add(modelCost(m.getKey()));
            models.add("{\"model\":\"%s\",\"provider\":\"p\",\"totalTokens\":%d,\"requests\":%d,\"cost\":\"%s\","
                    .formatted(m.getKey(), tokens, CALLS, modelCost(m.getKey()).toPlainString())
                    + "\"dimensions\":[" + String.join(",", dims) + "]}");
        }
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).willReturn(okJson("""
                {"orgId":"%s","environment":"live","currency":"USD","totals":{"totalTokens":1,"requests":120,
                 "agentSessions":0,"toolCalls":0,"cost":"%s","revenue":"0","unpricedEvents":0},
                 "byModel":[%s]}""".formatted(org, all.toPlainString(), String.join(",", models)))));
    }

    private Invoice only(String org) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o", Invoice.class).setParameter("o", org).getSingleResult());
    }

    private static WireMockServer n() {
        return StandInsResource.neighbours();
    }
}
