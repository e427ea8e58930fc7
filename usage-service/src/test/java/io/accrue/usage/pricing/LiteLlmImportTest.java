package io.accrue.usage.pricing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The real LiteLLM file through {@code POST /v1/pricing/import/litellm}, and back out through the export. */
@QuarkusTest
class LiteLlmImportTest {

    /** Far ahead of the test clock (2026-03-15T10:00Z), so nothing other tests rate changes. */
    private static final String AT = "2027-01-01T00:00:00Z";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Test
    void theRealFileImportsInFullInSecondsAndAgainCreatesNothingAndExportsWhatItImported() throws IOException {
        String body = realFile();
        JsonNode file = JSON.readTree(body);
        long t0 = System.nanoTime();
        Map<String, Object> first = operator().body(body).queryParam("effectiveFrom", AT)
                .when().post("/v1/pricing/import/litellm").then().statusCode(200).extract().as(Map.class);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("LiteLLM import of the real file: " + millis + " ms, " + first.get("versionsCreated")
                + " versions, " + ((List<?>) first.get("skipped")).size() + " skipped");
        assertTrue(millis < 60_000, "the import took " + millis + " ms");
        int entries = (int) first.get("entries");
        assertEquals(file.size() - 2, entries, "every model entry (not sample_spec, not last_updated) is counted");
        List<Map<String, String>> skipped = (List<Map<String, String>>) first.get("skipped");
        List<String> kept = (List<String>) first.get("keptManual");
        assertEquals(entries, (int) first.get("versionsCreated") + (int) first.get("unchanged") + kept.size()
                + skipped.size(), "each entry is imported, unchanged, kept or skipped with a reason");
        for (Map<String, String> s : skipped) {
            assertFalse(s.get("reason").isBlank(), s.toString());
            JsonNode entry = file.get(s.get("key"));
            // Refused only what carries no price Accrue applies, a wildcard, a case duplicate, a seeded alias, or a
            // price that is a rounded repeating decimal.
            assertTrue(s.get("reason").startsWith("no price fields") || s.get("reason").startsWith("only price fields")
                    || s.get("reason").startsWith("a wildcard") || s.get("reason").startsWith("the same model id")
                    || s.get("reason").contains("is an alias of model") || s.get("reason").contains("repeating decimal")
                    || s.get("reason").startsWith("no usable litellm_provider") && !entry.has("litellm_provider")
                    || !entry.isObject(), s.toString());
        }
        assertTrue(skipped.size() < 200, skipped.size() + " skipped");

        Map<String, Object> again = operator().body(body).queryParam("effectiveFrom", "2027-02-01T00:00:00Z")
                .when().post("/v1/pricing/import/litellm").then().statusCode(200).extract().as(Map.class);
        assertEquals(0, again.get("versionsCreated"));
        assertEquals(0, again.get("modelsCreated"));
        assertEquals(0, again.get("providersCreated"));

        JsonNode exported = JSON.readTree(member().queryParam("at", AT).when().get("/v1/pricing/export/litellm")
                .then().statusCode(200).extract().asString());
        Set<String> notImported = new HashSet<>(kept);
        skipped.forEach(s -> notImported.add(s.get("key")));
        int compared = 0;
        for (var it = file.fields(); it.hasNext();) {
            var e = it.next();
            if (!e.getValue().isObject() || "sample_spec".equals(e.getKey()) || notImported.contains(e.getKey())) {
                continue;
            }
            JsonNode out = exported.get(e.getKey());
            assertTrue(out != null, "exported under the file's own key: " + e.getKey());
            assertEquals(e.getValue().path("mode").asText(null), out.path("mode").asText(null), e.getKey());
            List<String> ignored = ignoredFields(first, e.getKey());
            for (var f = e.getValue().fields(); f.hasNext();) {
                var field = f.next();
                if (!isPrice(field.getKey()) || ignored.contains(field.getKey())) {
                    continue;
                }
                String name = "input_cost_per_token_cache_hit".equals(field.getKey())
                        ? "cache_read_input_token_cost"
                        : field.getKey();
                assertSame(e.getKey() + "." + field.getKey(), field.getValue(), out.get(name));
                compared++;
            }
        }
        System.out.println("export round trip: " + compared + " price fields compared");
        assertTrue(compared > 8_000, compared + " fields"); // 8,166 in the 2026-07-24 file
    }

    /** An import cut short (here: only the first half of a file) is completed by importing the file again. */
    @Test
    void anInterruptedImportIsCompletedByRunningItAgain() {
        String p = "resume-" + UUID.randomUUID() + "-";
        String entry = "{\"litellm_provider\": \"openai\", \"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 2e-06}";
        String half = "{\"%sa\": %s, \"%sb\": %s}".formatted(p, entry, p, entry);
        String whole = "{\"%sa\": %s, \"%sb\": %s, \"%sc\": %s, \"%sd\": %s}".formatted(p, entry, p, entry, p, entry, p,
                entry);
        operator().body(half).queryParam("effectiveFrom", "2026-04-01T00:00:00Z").when()
                .post("/v1/pricing/import/litellm")
                .then().statusCode(200).body("versionsCreated", equalTo(2));
        operator().body(whole).queryParam("effectiveFrom", "2026-04-01T00:00:00Z").when()
                .post("/v1/pricing/import/litellm")
                .then().statusCode(200).body("versionsCreated", equalTo(2)).body("unchanged", equalTo(2))
                .body("modelsCreated", equalTo(2));
    }

    @Test
    void withoutEffectiveFromTheImportStartsAtNowPlusTheLead() {
        String key = "default-start-" + UUID.randomUUID();
        operator().body(
                "{\"%s\": {\"litellm_provider\": \"openai\", \"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 2e-06}}"
                        .formatted(key))
                .when().post("/v1/pricing/import/litellm")
                .then().statusCode(200).body("versionsCreated", equalTo(1))
                .body("effectiveFrom", equalTo("2026-03-15T10:01:00Z"));
    }

    @Test
    void aHandSetPriceIsKeptUnlessTheImportIsToldToReplaceIt() {
        String key = "hand-set-" + UUID.randomUUID();
        operator().body("{\"id\":\"%s\",\"provider\":\"openai\",\"displayName\":\"Hand\"}".formatted(key))
                .when().post("/v1/pricing/models").then().statusCode(201);
        operator().body(
                "{\"effectiveFrom\":\"2026-04-01T00:00:00Z\",\"currency\":\"USD\",\"inputPerMillion\":\"1\",\"outputPerMillion\":\"2\"}")
                .when().post("/v1/pricing/models/{m}/price-versions", key).then().statusCode(201);
        String file = "{\"%s\": {\"litellm_provider\": \"openai\", \"input_cost_per_token\": 3e-06, \"output_cost_per_token\": 4e-06}}"
                .formatted(key);
        operator().body(file).queryParam("effectiveFrom", "2026-05-01T00:00:00Z").when()
                .post("/v1/pricing/import/litellm")
                .then().statusCode(200).body("versionsCreated", equalTo(0)).body("keptManual", hasItem(key));
        member().queryParam("at", "2026-06-01T00:00:00Z").when().get("/v1/pricing/models/{m}/price", key)
                .then().body("inputPerMillion", equalTo("1.000000000000")).body("source", equalTo("manual"));
        operator().body(file).queryParam("effectiveFrom", "2026-05-01T00:00:00Z").queryParam("replaceManual", true)
                .when().post("/v1/pricing/import/litellm")
                .then().statusCode(200).body("versionsCreated", equalTo(1)).body("replacedManual", hasItem(key));
        member().queryParam("at", "2026-06-01T00:00:00Z").when().get("/v1/pricing/models/{m}/price", key)
                .then().body("inputPerMillion", equalTo("3.000000000000")).body("source", equalTo("litellm"));
    }

    @Test
    void everyDimensionIsStoredAndShown() {
        String key = "dims-" + UUID.randomUUID();
        operator().body("""
                {"%s": {"litellm_provider": "anthropic", "mode": "chat",
                  "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
                  "cache_read_input_token_cost": 3e-07, "cache_creation_input_token_cost": 3.75e-06,
                  "cache_creation_input_token_cost_above_1hr": 6e-06, "input_cost_per_token_above_200k_tokens": 6e-06,
                  "output_cost_per_token_batches": 7.5e-06, "input_cost_per_token_priority": 5.1e-06,
                  "search_context_cost_per_query": {"search_context_size_low": 0.01, "search_context_size_medium": 0.01,
                    "search_context_size_high": 0.01},
                  "input_dbu_cost_per_token": 1e-05}}""".formatted(key))
                .queryParam("effectiveFrom", "2026-04-01T00:00:00Z").when().post("/v1/pricing/import/litellm")
                .then().statusCode(200).body("versionsCreated", equalTo(1))
                .body("ignoredFields[0].fields", hasItem("input_dbu_cost_per_token"));
        member().queryParam("at", "2026-04-01T00:00:00Z").when().get("/v1/pricing/models/{m}/price", key)
                .then().statusCode(200)
                .body("cachedInputPerMillion", equalTo("0.300000000000"))
                .body("tokenPrices.cache_write", equalTo("3.750000000000"))
                .body("tokenPrices.cache_write_1h", equalTo("6.000000000000"))
                .body("tokenPrices.'input>200000'", equalTo("6.000000000000"))
                .body("tokenPrices.'batch:output'", equalTo("7.500000000000"))
                .body("tokenPrices.'priority:input'", equalTo("5.100000000000"))
                .body("unitPrices.web_search_medium", equalTo("0.01"));
    }

    private static List<String> ignoredFields(Map<String, Object> result, String key) {
        for (Map<String, Object> i : (List<Map<String, Object>>) result.get("ignoredFields")) {
            if (key.equals(i.get("key"))) {
                return (List<String>) i.get("fields");
            }
        }
        return List.of();
    }

    private static boolean isPrice(String field) {
        return field.equals("search_context_cost_per_query") || field.equals("input_cost_per_request")
                || field.equals("input_cost_per_token_cache_hit") || LiteLlmFormat.priceKey(field).isPresent();
    }

    private static void assertSame(String what, JsonNode expected, JsonNode actual) {
        if (expected.isObject()) {
            expected.fields().forEachRemaining(f -> assertSame(what + "." + f.getKey(), f.getValue(),
                    actual == null ? null : actual.get(f.getKey())));
            return;
        }
        if (expected.isNull()) {
            return;
        }
        BigDecimal want = expected.decimalValue();
        if (want.signum() == 0 && actual == null) {
            return; // a zero per-request fee is the default and not written out
        }
        assertTrue(actual != null, what + " missing from the export");
        assertEquals(0, want.compareTo(actual.decimalValue()), what + ": " + expected + " vs " + actual);
    }

    private static String realFile() throws IOException {
        try (InputStream in = LiteLlmImportTest.class
                .getResourceAsStream("/litellm/model_prices_and_context_window.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static RequestSpecification operator() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON);
    }

    private static RequestSpecification member() {
        return given().header("Authorization", TestTokens.bearer("org-a", Roles.MEMBER));
    }
}
