package io.accrue.usage.summary;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The summary carries what each priced dimension cost, per model and in total, for invoice-service to show: the
 * real LiteLLM file's prices (imported under fresh ids), 40 calls each of an Anthropic call with cache writes, an
 * OpenAI audio call and a Gemini call above its 200k context tier. Every expected cost is count × the file's own
 * price field; the dimensions of a model add up exactly to its cost; the rollup path (whole days) and the event
 * path ({@code recordedBefore}, what a period close reads) agree.
 */
@QuarkusTest
class CostByDimensionTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String AT = "2026-03-15T10:02:00Z";
    private static final int CALLS = 40;
    private static JsonNode file;
    private String org;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = CostByDimensionTest.class
                .getResourceAsStream("/litellm/model_prices_and_context_window.json")) {
            file = JSON.readTree(in);
        }
    }

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
    }

    @Test
    void eachDimensionCostsWhatTheFileSaysAndTheyAddUpToTheModelsCost() throws IOException {
        String claude = importAs("claude-sonnet-4-20250514");
        String audio = importAs("gpt-4o-audio-preview");
        String gemini = importAs("gemini-2.5-pro");
        post(claude, "anthropic.messages", """
                {"input_tokens": 10000, "cache_creation_input_tokens": 5000, "cache_read_input_tokens": 50000,
                 "cache_creation": {"ephemeral_5m_input_tokens": 3000, "ephemeral_1h_input_tokens": 2000},
                 "output_tokens": 800}""");
        post(audio, "openai.chat",
                """
                        {"prompt_tokens": 3000, "completion_tokens": 1200, "total_tokens": 4200,
                         "prompt_tokens_details": {"audio_tokens": 2000}, "completion_tokens_details": {"audio_tokens": 1000}}""");
        post(gemini, "gemini", """
                {"promptTokenCount": 250000, "candidatesTokenCount": 2000, "totalTokenCount": 252000}""");

        String c = "claude-sonnet-4-20250514", a = "gpt-4o-audio-preview", g = "gemini-2.5-pro";
        Map<String, Map<String, String>> expected = new TreeMap<>();
        expected.put(claude, Map.of("input", money(p(c, "input_cost_per_token", 10_000)),
                "cache_read", money(p(c, "cache_read_input_token_cost", 50_000)),
                "cache_write", money(p(c, "cache_creation_input_token_cost", 3_000)),
                "cache_write_1h", money(p(c, "cache_creation_input_token_cost_above_1hr", 2_000)),
                "output", money(p(c, "output_cost_per_token", 800))));
        expected.put(audio, Map.of("input", money(p(a, "input_cost_per_token", 1_000)),
                "audio_input", money(p(a, "input_cost_per_audio_token", 2_000)),
                "output", money(p(a, "output_cost_per_token", 200)),
                "audio_output", money(p(a, "output_cost_per_audio_token", 1_000))));
        // above 200k every token of the call is priced at the tier: the dimension names the tier it was priced at
        expected.put(gemini, Map.of("input>200000", money(p(g, "input_cost_per_token_above_200k_tokens", 250_000)),
                "output>200000", money(p(g, "output_cost_per_token_above_200k_tokens", 2_000))));

        JsonNode rollups = summary(null);
        JsonNode events = summary("2026-03-16T00:00:00Z");
        for (JsonNode s : List.of(rollups, events)) {
            for (JsonNode m : s.get("byModel")) {
                Map<String, String> got = new TreeMap<>();
                BigDecimal sum = BigDecimal.ZERO;
                for (JsonNode d : m.get("dimensions")) {
                    got.put(d.get("dimension").asText(), d.get("cost").asText());
                    sum = sum.add(new BigDecimal(d.get("cost").asText()));
                    assertEquals("tokens", d.get("kind").asText());
                }
                assertEquals(new TreeMap<>(expected.get(m.get("model").asText())), got, m.get("model").asText());
                assertEquals(new BigDecimal(m.get("cost").asText()), sum, "dimensions add up to the model's cost");
            }
            BigDecimal total = BigDecimal.ZERO;
            for (JsonNode d : s.get("byDimension")) {
                total = total.add(new BigDecimal(d.get("cost").asText()));
            }
            assertEquals(new BigDecimal(s.get("totals").get("cost").asText()), total);
        }
        assertEquals(rollups.get("byModel"), events.get("byModel"), "both summary paths agree");

        // What the same calls were billed before the dimensions were priced (cache writes as input, audio as
        // text, long prompts at the standard prices): 10 %, 88 % and 49 % low.
        BigDecimal claudeBefore = p(c, "input_cost_per_token", 15_000).add(p(c, "cache_read_input_token_cost", 50_000))
                .add(p(c, "output_cost_per_token", 800));
        BigDecimal audioBefore = p(a, "input_cost_per_token", 3_000).add(p(a, "output_cost_per_token", 1_200));
        BigDecimal geminiBefore = p(g, "input_cost_per_token", 250_000).add(p(g, "output_cost_per_token", 2_000));
        assertEquals(new BigDecimal("2.880000000000"), claudeBefore.setScale(12));
        assertEquals(new BigDecimal("3.210000000000"), cost(events, claude));
        assertEquals(new BigDecimal("0.780000000000"), audioBefore.setScale(12));
        assertEquals(new BigDecimal("6.580000000000"), cost(events, audio));
        assertEquals(new BigDecimal("13.300000000000"), geminiBefore.setScale(12));
        assertEquals(new BigDecimal("26.200000000000"), cost(events, gemini));
        assertTrue(cost(events, claude).compareTo(claudeBefore) > 0);
    }

    private static BigDecimal cost(JsonNode summary, String model) {
        for (JsonNode m : summary.get("byModel")) {
            if (m.get("model").asText().equals(model)) {
                return new BigDecimal(m.get("cost").asText());
            }
        }
        throw new AssertionError(model + " not in the summary");
    }

    /** The entry under a fresh id (default start: now + the lead), so the test owns its model. */
    private static String importAs(String key) {
        String id = "t-" + UUID.randomUUID() + "-" + key;
        ObjectNode body = JSON.createObjectNode();
        body.set(id, file.get(key));
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer()).contentType(ContentType.JSON)
                .body(body.toString()).when().post("/v1/pricing/import/litellm").then().statusCode(200);
        return id;
    }

    /** {@link #CALLS} calls of {@code model}, one batch. */
    private void post(String model, String format, String usage) {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < CALLS; i++) {
            events.append(i == 0 ? "" : ",")
                    .append("""
                            {"eventId":"%s-%d","endUserId":"u-1","model":"%s","occurredAt":"%s","usageFormat":"%s","usage":%s}"""
                            .formatted(model, i, model, AT, format, usage));
        }
        given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON).body("{\"events\":[" + events + "]}").when().post("/v1/usage-events")
                .then().statusCode(200).body("accepted", equalTo(CALLS));
    }

    /** count × the file's price field, for all {@link #CALLS} calls. */
    private static BigDecimal p(String key, String field, long count) {
        return file.get(key).get(field).decimalValue().multiply(BigDecimal.valueOf(count * CALLS));
    }

    private static String money(BigDecimal v) {
        return v.setScale(12, RoundingMode.HALF_UP).toPlainString();
    }

    private JsonNode summary(String recordedBefore) throws IOException {
        var req = given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("environment", "live").queryParam("from", "2026-03-01T00:00:00Z")
                .queryParam("to", "2026-04-01T00:00:00Z");
        if (recordedBefore != null) {
            req = req.queryParam("recordedBefore", recordedBefore);
        }
        return JSON.readTree(req.when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200).extract()
                .asString());
    }
}
