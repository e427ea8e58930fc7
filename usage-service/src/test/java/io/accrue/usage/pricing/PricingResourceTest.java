package io.accrue.usage.pricing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class PricingResourceTest {

    private static final String PROBLEM = "application/problem+json";
    /** Tests run with the clock frozen at 2026-03-15T10:00:00Z; the minimum lead is one minute. */
    private static final String FUTURE = "2026-04-01T00:00:00Z";
    private static final String SEED_GPT4O_VERSION = "00000000-0000-0000-0000-000000000001";

    @Test
    void everyAuthenticatedRoleReadsTheSeedCatalog() {
        for (String role : new String[]{Roles.MEMBER, Roles.USAGE_REPORTER, Roles.BILLING_ADMIN, Roles.OWNER}) {
            given().header("Authorization", TestTokens.bearer("org-a", role))
                    .when().get("/v1/pricing/models/{m}", "gpt-4o")
                    .then().statusCode(200)
                    .body("provider", equalTo("openai"))
                    .body("aliases", hasItems("gpt-4o", "openai/gpt-4o", "gpt-4o-2024-08-06"))
                    .body("priceVersions[0].inputPerMillion", equalTo("2.500000000000"))
                    .body("priceVersions[0].outputPerMillion", equalTo("10.000000000000"))
                    .body("priceVersions[0].cachedInputPerMillion", equalTo("1.250000000000"))
                    .body("priceVersions[0].currency", equalTo("USD"))
                    .body("priceVersions[0].effective", equalTo(true));
        }
    }

    @Test
    void anAliasResolvesToTheCanonicalModel() {
        member().when().get("/v1/pricing/models/{m}", "GPT-4O-2024-08-06")
                .then().statusCode(200).body("id", equalTo("gpt-4o"));
        member().when().get("/v1/pricing/models/{m}", "no-such-model")
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("model_not_found"));
    }

    @Test
    void readingNeedsAValidToken() {
        given().when().get("/v1/pricing/models").then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer")).body("code", equalTo("unauthenticated"));
        given().header("Authorization", TestTokens.as(Roles.MEMBER).org("org-a").forged().bearer())
                .when().get("/v1/pricing/models").then().statusCode(401).body("code", equalTo("unauthenticated"));
        given().header("Authorization", TestTokens.as(Roles.MEMBER).org("org-a").expired().bearer())
                .when().get("/v1/pricing/models").then().statusCode(401).body("code", equalTo("unauthenticated"));
    }

    @Test
    void modelsArePagedByCursor() {
        String next = member().queryParam("limit", 2).when().get("/v1/pricing/models")
                .then().statusCode(200).body("items", hasSize(2)).body("hasMore", equalTo(true))
                .extract().path("nextCursor");
        member().queryParam("limit", 2).queryParam("cursor", next).when().get("/v1/pricing/models")
                .then().statusCode(200).body("items.size()", org.hamcrest.Matchers.greaterThan(0));
        member().queryParam("cursor", "garbage!").when().get("/v1/pricing/models")
                .then().statusCode(400).body("code", equalTo("invalid_cursor"));
    }

    @Test
    void onlyTheOperatorWritesAndARefusedWritePersistsNothing() {
        String model = newModel();
        for (String role : new String[]{Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.USAGE_REPORTER}) {
            given().header("Authorization", TestTokens.bearer("org-a", role)).contentType(ContentType.JSON)
                    .body(version(FUTURE, "1.00", "2.00"))
                    .when().post("/v1/pricing/models/{m}/price-versions", model)
                    .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("forbidden"));
        }
        member().when().get("/v1/pricing/models/{m}", model).then().statusCode(200).body("priceVersions", hasSize(0));
    }

    @Test
    void invalidPricesAnswer422WithViolationsAndPersistNothing() {
        String model = newModel();
        operator().body("""
                {"effectiveFrom":"%s","currency":"usd","inputPerMillion":"-1","outputPerMillion":"0.0000000000001"}
                """.formatted(FUTURE))
                .when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("validation_failed"))
                .body("violations.field", hasItems("currency", "inputPerMillion", "outputPerMillion"));
        operator().body(version(FUTURE, "1", "2").replace("USD", "XYZ"))
                .when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(422).body("code", equalTo("unknown_currency"));
        member().when().get("/v1/pricing/models/{m}", model).then().body("priceVersions", hasSize(0));
    }

    @Test
    void unknownFieldsAndMalformedJsonAre400() {
        String model = newModel();
        operator().body(version(FUTURE, "1", "2").replace("{", "{\"prompt\":\"secret\","))
                .when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("unknown_field"))
                .body("violations[0].field", equalTo("prompt"));
        operator().body("{\"effectiveFrom\": ").when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(400).body("code", equalTo("malformed_json"));
        member().when().get("/v1/pricing/models/{m}", model).then().body("priceVersions", hasSize(0));
    }

    @Test
    void anEffectiveVersionIsImmutable() {
        operator().body(version(FUTURE, "1", "2"))
                .when().put("/v1/pricing/models/{m}/price-versions/{v}", "gpt-4o", SEED_GPT4O_VERSION)
                .then().statusCode(409).contentType(PROBLEM).body("code", equalTo("price_version_immutable"))
                .body("detail", containsString("can no longer change"));
        operator().when().delete("/v1/pricing/models/{m}/price-versions/{v}", "gpt-4o", SEED_GPT4O_VERSION)
                .then().statusCode(409).body("code", equalTo("price_version_immutable"));
        member().when().get("/v1/pricing/models/{m}/price", "gpt-4o")
                .then().statusCode(200).body("id", equalTo(SEED_GPT4O_VERSION))
                .body("inputPerMillion", equalTo("2.500000000000"));
    }

    @Test
    void aVersionMustStartInTheFuture() {
        String model = newModel();
        operator().body(version("2026-03-15T10:00:30Z", "1", "2"))
                .when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(422).body("code", equalTo("price_version_backdated"))
                .body("earliestEffectiveFrom", equalTo("2026-03-15T10:01:00Z"));
        member().when().get("/v1/pricing/models/{m}", model).then().body("priceVersions", hasSize(0));
    }

    @Test
    void aScheduledVersionCanBeReplacedAndTakesEffectAtItsInstant() {
        String model = newModel();
        String id = operator().body(version(FUTURE, "1.000000000001", "2"))
                .when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(201).body("effective", equalTo(false))
                .body("inputPerMillion", equalTo("1.000000000001")).extract().path("id");
        operator().body(version(FUTURE, "1", "2")).when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(409).body("code", equalTo("price_version_exists"));
        operator().body(version(FUTURE, "3", "4"))
                .when().put("/v1/pricing/models/{m}/price-versions/{v}", model, id)
                .then().statusCode(200).body("inputPerMillion", equalTo("3.000000000000"));
        member().queryParam("at", "2026-03-31T23:59:59Z").when().get("/v1/pricing/models/{m}/price", model)
                .then().statusCode(404).body("code", equalTo("price_not_found"));
        member().queryParam("at", FUTURE).when().get("/v1/pricing/models/{m}/price", model)
                .then().statusCode(200).body("id", equalTo(id)).body("outputPerMillion", equalTo("4.000000000000"));
    }

    @Test
    void modelsNeedAKnownProviderAndFreeAliases() {
        operator().body("{\"id\":\"m-%s\",\"provider\":\"nobody\",\"displayName\":\"X\"}".formatted(UUID.randomUUID()))
                .when().post("/v1/pricing/models").then().statusCode(422).body("code", equalTo("unknown_provider"));
        operator().body("{\"id\":\"m-%s\",\"provider\":\"openai\",\"displayName\":\"X\",\"aliases\":[\"gpt-4o\"]}"
                .formatted(UUID.randomUUID()))
                .when().post("/v1/pricing/models").then().statusCode(409).body("code", equalTo("alias_taken"));
    }

    @Test
    void liteLlmImportCreatesModelsAndVersionsAndExportRoundTrips() {
        String key = "lite-" + UUID.randomUUID();
        String body = """
                {"sample_spec": {"max_tokens": "set to max"},
                 "%s": {"litellm_provider": "mistral", "mode": "chat", "max_input_tokens": 128000,
                        "input_cost_per_token": 2.5e-06, "output_cost_per_token": 0.00001,
                        "cache_read_input_token_cost": 1.25e-06, "output_cost_per_image": 0.04},
                 "broken": {"litellm_provider": "openai", "mode": "embedding"}}
                """.formatted(key);
        operator().body(body).queryParam("effectiveFrom", FUTURE).when().post("/v1/pricing/import/litellm")
                .then().statusCode(200).body("modelsCreated", equalTo(1)).body("versionsCreated", equalTo(1))
                .body("skipped.key", hasItem("broken"));
        member().when().get("/v1/pricing/models/{m}", key).then().statusCode(200)
                .body("provider", equalTo("mistral"))
                .body("priceVersions[0].inputPerMillion", equalTo("2.500000000000"))
                .body("priceVersions[0].cachedInputPerMillion", equalTo("1.250000000000"))
                .body("priceVersions[0].unitPrices.image", equalTo("0.04"));
        // The same file again changes nothing.
        operator().body(body).queryParam("effectiveFrom", "2026-05-01T00:00:00Z").when()
                .post("/v1/pricing/import/litellm")
                .then().statusCode(200).body("versionsCreated", equalTo(0)).body("unchanged", equalTo(1));
        String exported = member().queryParam("at", FUTURE).when().get("/v1/pricing/export/litellm")
                .then().statusCode(200).body("'gpt-4o'.litellm_provider", equalTo("openai"))
                .extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(exported.contains("\"input_cost_per_token\":0.0000025"), exported);
    }

    @Test
    void importRefusesSomethingThatIsNotAnObject() {
        operator().body("[1,2]").when().post("/v1/pricing/import/litellm")
                .then().statusCode(422).body("code", equalTo("invalid_litellm_json"));
        given().header("Authorization", TestTokens.bearer("org-a", Roles.OWNER)).contentType(ContentType.JSON)
                .body("{}").when().post("/v1/pricing/import/litellm").then().statusCode(403);
    }

    private String newModel() {
        String id = "test-" + UUID.randomUUID();
        operator().body("{\"id\":\"%s\",\"provider\":\"openai\",\"displayName\":\"Test\",\"aliases\":[\"%s-alias\"]}"
                .formatted(id, id)).when().post("/v1/pricing/models")
                .then().statusCode(201).body("aliases", hasItems(id, id + "-alias")).body("priceVersions", hasSize(0));
        return id;
    }

    private static String version(String from, String input, String output) {
        return """
                {"effectiveFrom":"%s","currency":"USD","inputPerMillion":"%s","outputPerMillion":"%s"}
                """.formatted(from, input, output);
    }

    private static RequestSpecification operator() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON);
    }

    private static RequestSpecification member() {
        return given().header("Authorization", TestTokens.bearer("org-a", Roles.MEMBER));
    }

}
