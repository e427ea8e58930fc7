package io.accrue.subscription.status;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.provision;
import static io.accrue.subscription.Api.service;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.subscription.StandInsResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class StatusResourceTest {

    @Test
    void statusCarriesThisPeriodsUsageFromUsageService() {
        String org = provision("st", "USD", "UTC");
        StandInsResource.server().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .withQueryParam("environment", equalTo("live"))
                .withQueryParam("from", equalTo("2026-03-01T00:00:00Z"))
                .withQueryParam("to", equalTo("2026-04-01T00:00:00Z"))
                .willReturn(okJson("""
                        {"orgId":"%s","environment":"live","from":"2026-03-01T00:00:00Z","to":"2026-04-01T00:00:00Z",
                         "currency":"USD","totals":{"inputTokens":1000,"outputTokens":234,"cachedTokens":0,
                         "totalTokens":1234,"requests":3,"agentSessions":7,"toolCalls":0,"cost":"0.1",
                         "revenue":"0.2","unpricedEvents":0},"byModel":[],"byEndUser":[]}""".formatted(org))));
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}/status", org)
                .then().statusCode(200)
                .body("orgId", is(org))
                .body("planSlug", is("free"))
                .body("status", is("active"))
                .body("currentPeriodStart", is("2026-03-01T00:00:00Z"))
                .body("currentPeriodEnd", is("2026-04-01T00:00:00Z"))
                .body("meteredEnabled", is(false))
                .body("usage.available", is(true))
                .body("usage.llmTokens", is(1234))
                .body("usage.agentSessions", is(7));
        // the call carries this service's own token
        StandInsResource.server().verify(getRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .withHeader("Authorization", equalTo("Bearer test-service-token")));
    }

    /** usage-service's own lookups (quota, entitlements) ask without usage: the status never calls it back. */
    @Test
    void withoutUsageTheStatusDoesNotAskUsageService() {
        String org = provision("nou", "USD", "UTC");
        service().queryParam("usage", false).when().get("/v1/accounts/{o}/status", org)
                .then().statusCode(200).body("status", is("active")).body("usage", nullValue())
                .body("entitlements.features", notNullValue());
        StandInsResource.server().verify(0, getRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")));
        service().queryParam("usage", "maybe").when().get("/v1/accounts/{o}/status", org).then().statusCode(422)
                .contentType("application/problem+json").body("code", is("validation_failed"));
    }

    @Test
    void statusStillAnswersWhenUsageServiceFails() {
        String org = provision("down", "USD", "UTC");
        StandInsResource.server().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(aResponse().withStatus(503)));
        service().when().get("/v1/accounts/{o}/status", org)
                .then().statusCode(200)
                .body("status", is("active"))
                .body("usage.available", is(false))
                .body("usage.llmTokens", nullValue())
                .body("usage.agentSessions", nullValue());
    }

    @Test
    void statusStillAnswersWhenUsageServiceIsSlow() {
        String org = provision("slow", "USD", "UTC");
        StandInsResource.server().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(okJson("{\"totals\":{\"totalTokens\":1,\"agentSessions\":1}}").withFixedDelay(5000)));
        service().when().get("/v1/accounts/{o}/status", org)
                .then().statusCode(200).body("usage.available", is(false));
    }
}
