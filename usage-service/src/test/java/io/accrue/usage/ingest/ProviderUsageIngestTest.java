package io.accrue.usage.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
import io.restassured.specification.RequestSpecification;

/**
 * Provider usage objects posted as a gateway receives them, against entries of the real LiteLLM file imported
 * under fresh ids: each expected cost is computed here from the file's numbers.
 */
@QuarkusTest
class ProviderUsageIngestTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** The import starts at now (10:00, frozen) + the one-minute lead; events happen just after. */
    private static final String AT = "2026-03-15T10:02:00Z";
    private static JsonNode file;
    private String org;
    @jakarta.inject.Inject
    io.accrue.common.time.AdjustableClock clock;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = ProviderUsageIngestTest.class
                .getResourceAsStream("/litellm/model_prices_and_context_window.json")) {
            file = JSON.readTree(in);
        }
    }

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
    }

    @Test
    void anthropicMessagesInputExcludesCacheReadsAndWritesAndEachIsBilledAtItsPrice() {
        String entry = "claude-sonnet-4-20250514";
        String model = importAs(entry);
        String usage = """
                {"input_tokens": 10000, "cache_creation_input_tokens": 5000, "cache_read_input_tokens": 50000,
                 "cache_creation": {"ephemeral_5m_input_tokens": 3000, "ephemeral_1h_input_tokens": 2000},
                 "output_tokens": 800, "service_tier": "standard"}""";
        BigDecimal expected = p(entry, "input_cost_per_token", 10_000)
                .add(p(entry, "cache_read_input_token_cost", 50_000))
                .add(p(entry, "cache_creation_input_token_cost", 3_000))
                .add(p(entry, "cache_creation_input_token_cost_above_1hr", 2_000))
                .add(p(entry, "output_cost_per_token", 800));
        post("a-1", model, "anthropic.messages", usage).statusCode(201).body("cost", equalTo(money(expected)))
                // the answer names the version and what each dimension cost
                .body("priceVersionId", notNullValue())
                .body("dimensions.find { it.dimension == 'cache_write_1h' }.cost",
                        equalTo(money(p(entry, "cache_creation_input_token_cost_above_1hr", 2_000))))
                .body("dimensions.find { it.dimension == 'cache_write' }.quantity", equalTo(3_000));
        summary().body("totals.inputTokens", equalTo(65_000)).body("totals.cachedTokens", equalTo(50_000))
                .body("totals.cacheWriteTokens", equalTo(5_000)).body("totals.outputTokens", equalTo(800))
                .body("totals.cost", equalTo(money(expected)));
    }

    @Test
    void liteLlmUsageOfTheSameCallBillsTheSame() {
        String entry = "claude-sonnet-4-20250514";
        String model = importAs(entry);
        String usage = """
                {"prompt_tokens": 65000, "completion_tokens": 800, "total_tokens": 65800,
                 "prompt_tokens_details": {"cached_tokens": 50000}, "cache_creation_input_tokens": 5000,
                 "cache_creation_token_details": {"ephemeral_5m_input_tokens": 3000, "ephemeral_1h_input_tokens": 2000}}""";
        BigDecimal expected = p(entry, "input_cost_per_token", 10_000)
                .add(p(entry, "cache_read_input_token_cost", 50_000))
                .add(p(entry, "cache_creation_input_token_cost", 3_000))
                .add(p(entry, "cache_creation_input_token_cost_above_1hr", 2_000))
                .add(p(entry, "output_cost_per_token", 800));
        post("l-1", model, "litellm", usage).statusCode(201).body("cost", equalTo(money(expected)));
    }

    @Test
    void openAiChatCachedAndAudioDetailsAreBilledAtTheirPrices() {
        String entry = "gpt-4o-audio-preview";
        String model = importAs(entry);
        String usage = """
                {"prompt_tokens": 3000, "completion_tokens": 1200, "total_tokens": 4200,
                 "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 2000},
                 "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 1000}}""";
        BigDecimal expected = p(entry, "input_cost_per_token", 1_000).add(p(entry, "input_cost_per_audio_token", 2_000))
                .add(p(entry, "output_cost_per_token", 200)).add(p(entry, "output_cost_per_audio_token", 1_000));
        post("o-1", model, "openai.chat", usage).statusCode(201).body("cost", equalTo(money(expected)));
        summary().body("totals.audioInputTokens", equalTo(2_000)).body("totals.audioOutputTokens", equalTo(1_000));
    }

    @Test
    void openAiResponsesCachedTokensAreCacheReads() {
        String entry = "gpt-4o";
        String model = importAs(entry);
        String usage = """
                {"input_tokens": 5000, "input_tokens_details": {"cached_tokens": 4096}, "output_tokens": 300,
                 "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 5300}""";
        BigDecimal expected = p(entry, "input_cost_per_token", 904).add(p(entry, "cache_read_input_token_cost", 4_096))
                .add(p(entry, "output_cost_per_token", 300));
        post("r-1", model, "openai.responses", usage).statusCode(201).body("cost", equalTo(money(expected)));
    }

    @Test
    void geminiThinkingTokensAreOutput() {
        String entry = "gemini-2.5-pro";
        String model = importAs(entry);
        String usage = """
                {"promptTokenCount": 1200, "candidatesTokenCount": 300, "thoughtsTokenCount": 700,
                 "totalTokenCount": 2200}""";
        String reasoning = file.get(entry).has("output_cost_per_reasoning_token")
                ? "output_cost_per_reasoning_token"
                : "output_cost_per_token";
        BigDecimal expected = p(entry, "input_cost_per_token", 1_200).add(p(entry, "output_cost_per_token", 300))
                .add(p(entry, reasoning, 700));
        post("g-1", model, "gemini", usage).statusCode(201).body("cost", equalTo(money(expected)));
        summary().body("totals.outputTokens", equalTo(1_000)).body("totals.reasoningTokens", equalTo(700));
    }

    @Test
    void badUsageObjectsAreRefusedAndNothingIsStored() {
        String model = importAs("gpt-4o");
        post("x-1", model, "openai.chat", "{\"prompt_tokens\": 10, \"completion_tokens\": 5, \"total_tokens\": 16}")
                .statusCode(422).body("code", equalTo("usage_inconsistent"));
        post("x-2", model, "openai.chat",
                "{\"prompt_tokens\": 10, \"note\": \"Please summarise the quarterly figures for the board meeting tomorrow\"}")
                .statusCode(422).body("code", equalTo("usage_invalid"));
        post("x-3", model, "openai.davinci", "{\"prompt_tokens\": 10}").statusCode(422)
                .body("code", equalTo("usage_format_unknown"));
        reporter().body("""
                {"eventId":"x-4","endUserId":"u-1","model":"%s","occurredAt":"%s","inputTokens":10,
                 "usageFormat":"openai.chat","usage":{"prompt_tokens":10}}""".formatted(model, AT))
                .when().post("/v1/usage-events").then().statusCode(422).body("code", equalTo("usage_ambiguous"));
        reporter().body("""
                {"eventId":"x-5","endUserId":"u-1","model":"%s","occurredAt":"%s","usageFormat":"openai.chat",
                 "usage":{"prompt_tokens":10},"messages":[{"role":"user","content":"secret"}]}""".formatted(model, AT))
                .when().post("/v1/usage-events").then().statusCode(400).body("code", equalTo("unknown_field"));
        reporter().body("""
                {"eventId":"x-6","endUserId":"u-1","model":"%s","occurredAt":"%s","inputTokens":10,
                 "reasoningTokens":5,"outputTokens":4}""".formatted(model, AT))
                .when().post("/v1/usage-events").then().statusCode(422)
                .body("code", equalTo("token_parts_exceed_total"));
        reporter().body("""
                {"eventId":"x-7","endUserId":"u-1","model":"%s","occurredAt":"%s","inputTokens":10,
                 "serviceTier":"turbo"}""".formatted(model, AT))
                .when().post("/v1/usage-events").then().statusCode(422).body("code", equalTo("unknown_service_tier"));
        summary().body("totals.requests", equalTo(0));
    }

    @Test
    void aBatchCallAndAWebSearchArePricedAsTheFileSays() {
        String entry = "gemini-3.1-flash-lite";
        String model = importAs(entry);
        reporter().body("""
                {"eventId":"s-1","endUserId":"u-1","model":"%s","occurredAt":"%s","inputTokens":7000,
                 "outputTokens":900,"serviceTier":"batch","units":{"web_search_medium":2}}""".formatted(model, AT))
                .when().post("/v1/usage-events").then().statusCode(201)
                .body("cost", equalTo(money(p(entry, "input_cost_per_token_batches", 7_000)
                        .add(p(entry, "output_cost_per_token_batches", 900))
                        .add(file.get(entry).get("search_context_cost_per_query").get("search_context_size_medium")
                                .decimalValue().multiply(BigDecimal.valueOf(2))))));
    }

    /** Never free: a unit the version does not price is refused (reject mode), and nothing is stored. */
    @Test
    void aUnitWithoutAPriceIsRefusedNotFree() {
        String model = importAs("gpt-4o");
        reporter().body("""
                {"eventId":"n-1","endUserId":"u-1","model":"%s","occurredAt":"%s","inputTokens":10,
                 "units":{"input_second":30}}""".formatted(model, AT))
                .when().post("/v1/usage-events").then().statusCode(422).body("code", equalTo("dimension_not_priced"));
        summary().body("totals.requests", equalTo(0));
    }

    /** What ingestion would refuse, the quota check refuses first, with the same code. */
    @Test
    void theQuotaCheckRefusesAModelIngestionWouldRefuse() {
        String spelling = "mystery-" + UUID.randomUUID();
        reporter().queryParam("endUserId", "u-1").queryParam("model", spelling).when().get("/v1/quota/check")
                .then().statusCode(422).body("code", equalTo("unknown_model"));
        reporter().body(io.accrue.usage.UsageFixtures.event("q-1", "u-1", spelling, 10, 10, AT))
                .when().post("/v1/usage-events").then().statusCode(422).body("code", equalTo("unknown_model"));
        reporter().body("{\"endUserId\":\"u-1\",\"model\":\"%s\",\"estimatedTokens\":100}".formatted(spelling))
                .when().post("/v1/quota/reservations").then().statusCode(422).body("code", equalTo("unknown_model"));
        // A model whose first price starts in a minute: no price now, so no call yet.
        String later = importAs("gpt-4o");
        reporter().queryParam("endUserId", "u-1").queryParam("model", later).when().get("/v1/quota/check")
                .then().statusCode(422).body("code", equalTo("no_price_in_effect"));
        reporter().queryParam("endUserId", "u-1").queryParam("model", "openai/gpt-4o").when().get("/v1/quota/check")
                .then().statusCode(200).body("allowed", equalTo(true));
        // Tokens of a model that prices only units (LiteLLM's dall-e-3, per image): refused by both, same code.
        String images = importAs("dall-e-3");
        clock.set(java.time.Instant.parse(AT)); // its price is in effect from now + the one-minute lead
        try {
            reporter().queryParam("endUserId", "u-1").queryParam("model", images).queryParam("estimatedTokens", 100)
                    .when().get("/v1/quota/check").then().statusCode(422).body("code", equalTo("dimension_not_priced"));
            reporter().body(io.accrue.usage.UsageFixtures.event("q-2", "u-1", images, 10, 10, AT))
                    .when().post("/v1/usage-events").then().statusCode(422)
                    .body("code", equalTo("dimension_not_priced"));
            // a call of images only is what it prices
            reporter().queryParam("endUserId", "u-1").queryParam("model", images).when().get("/v1/quota/check")
                    .then().statusCode(200).body("allowed", equalTo(true));
        } finally {
            clock.set(java.time.Instant.parse("2026-03-15T10:00:00Z"));
        }
    }

    /** The entry under a fresh id (default start: now + the lead), so the test owns its model. */
    private static String importAs(String key) {
        String id = "t-" + UUID.randomUUID() + "-" + key.replace('/', '-');
        ObjectNode body = JSON.createObjectNode();
        body.set(id, file.get(key));
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer()).contentType(ContentType.JSON)
                .body(body.toString()).when().post("/v1/pricing/import/litellm")
                .then().statusCode(200).body("versionsCreated", equalTo(1));
        return id;
    }

    /** count × the file's price field. */
    private static BigDecimal p(String key, String field, long count) {
        return file.get(key).get(field).decimalValue().multiply(BigDecimal.valueOf(count));
    }

    private static String money(BigDecimal v) {
        return v.setScale(12, RoundingMode.HALF_UP).toPlainString();
    }

    private io.restassured.response.ValidatableResponse post(String id, String model, String format, String usage) {
        return reporter().body("""
                {"eventId":"%s","endUserId":"u-1","model":"%s","occurredAt":"%s","usageFormat":"%s","usage":%s}"""
                .formatted(id, model, AT, format, usage)).when().post("/v1/usage-events").then();
    }

    private RequestSpecification reporter() {
        return given()
                .header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON);
    }

    private io.restassured.response.ValidatableResponse summary() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("environment", "live").queryParam("from", "2026-03-01T00:00:00Z")
                .queryParam("to", "2026-04-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200);
    }
}
