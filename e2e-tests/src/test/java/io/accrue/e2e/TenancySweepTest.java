package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Every endpoint of every service, enumerated from its own OpenAPI document (so a new endpoint cannot
 * escape), is called with tokens of organisation A against organisation B. Organisation-scoped endpoints
 * must answer 404 or 403; the few endpoints that are global by design are listed below with the reason.
 */
class TenancySweepTest {

    private static final String ORG_A = "tenant-a";
    private static final String ORG_B = "tenant-b";
    private static final List<String> SERVICES = List.of("subscription-service", "usage-service", "invoice-service",
            "contract-service");
    private static final Set<String> WRITE_METHODS = Set.of("post", "put", "patch", "delete");

    /**
     * Endpoints that do not belong to an organisation, and why a caller of organisation A may get a 2xx (or a
     * 4xx other than 403/404) from them. Adding an endpoint here is a security review decision.
     */
    private static final List<Pattern> GLOBAL_BY_DESIGN = List.of(
            // the model pricing catalog and plan catalog are public price lists, readable by every role
            Pattern.compile("get /v1/(pricing|models|providers|plans)(/.*)?"),
            // Stripe webhooks are authenticated by their signature, not a token: a bad signature is a 400
            Pattern.compile("post /v1/(stripe/)?webhooks(/.*)?"),
            Pattern.compile("post /v1/.*stripe.*webhooks?"),
            // a usage reporter posts and checks quota for its own organisation, taken from the token
            Pattern.compile("(get|post) /v1/(usage-events|quota)(/.*)?"),
            // the test clock is the service's time, no organisation's data: every signed-in role reads it (the
            // console shows periods on it); moving it stays the operator's and is swept like any write
            Pattern.compile("get /v1/operator/clock"),
            // the list of billing-event types an endpoint can subscribe to: the same for every organisation
            Pattern.compile("get /v1/webhook-event-types"));

    /** Every Stripe call the services made in this class had a Stripe-shaped answer in the stand-in. */
    @org.junit.jupiter.api.AfterAll
    static void everyStripeCallWasAnswered() {
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), StripeStandIn.unanswered(),
                "requests the Stripe stand-in has no mapping for (add one under local-stack/stripe/mappings)");
    }

    @BeforeAll
    static void startSuite() {
        Suite.stack();
        for (String org : List.of(ORG_A, ORG_B)) {
            given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                    .body(Map.of("orgId", org, "name", org, "currency", "USD", "timeZone", "UTC"))
                    .post(Suite.url("subscription-service") + "/v1/accounts")
                    .then().statusCode(org.equals(ORG_A) ? 201 : 201);
        }
    }

    @Test
    void noEndpointLetsOrganisationAIntoOrganisationB() {
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        Map<String, String> tokens = Map.of(
                "owner", Suite.token("owner-a", ORG_A, "owner"),
                "billing-admin", Suite.token("admin-a", ORG_A, "billing-admin"),
                "member", Suite.token("member-a", ORG_A, "member"),
                "usage-reporter", Suite.reporterToken(ORG_A, "live"));
        for (String service : SERVICES) {
            JsonPath openapi = given().queryParam("format", "json").get(Suite.url(service) + "/q/openapi")
                    .then().statusCode(200).extract().jsonPath();
            Map<String, Map<String, Object>> paths = openapi.getMap("paths");
            for (var path : paths.entrySet()) {
                for (String method : path.getValue().keySet()) {
                    if (!Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                        continue;
                    }
                    String template = path.getKey();
                    boolean orgScoped = template.contains("{orgId}");
                    String signature = method + " " + template;
                    if (!orgScoped && GLOBAL_BY_DESIGN.stream().anyMatch(p -> p.matcher(signature).matches())) {
                        continue;
                    }
                    String url = Suite.url(service) + template.replace("{orgId}", ORG_B)
                            .replaceAll("\\{[^}]+}", "00000000-0000-0000-0000-000000000001");
                    for (var token : tokens.entrySet()) {
                        Response response = call(method, url, token.getValue());
                        checked++;
                        int status = response.statusCode();
                        boolean refused = status == 403 || status == 404;
                        if (!refused) {
                            leaks.add(service + " " + signature + " as " + token.getKey() + " of " + ORG_A + " → "
                                    + status + " " + abbreviate(response.asString()));
                        }
                    }
                }
            }
        }
        assertTrue(checked > 20, "too few endpoints enumerated: " + checked);
        assertTrue(leaks.isEmpty(), "endpoints answering another organisation:\n" + String.join("\n", leaks));
    }

    private static Response call(String method, String url, String token) {
        // Accept anything: PDFs and CSVs too. The organisation check must not depend on content negotiation.
        var request = given().auth().oauth2(token).accept("*/*");
        if (WRITE_METHODS.contains(method) && !method.equals("delete")) {
            request = request.contentType(ContentType.JSON).body("{}");
        }
        return request.request(method.toUpperCase(), url);
    }

    private static String abbreviate(String body) {
        return body.length() > 160 ? body.substring(0, 160) + "…" : body;
    }
}
