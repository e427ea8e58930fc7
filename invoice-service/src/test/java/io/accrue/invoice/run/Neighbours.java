package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.util.List;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.accrue.invoice.StandInsResource;

/** Stubs of the neighbours, shaped exactly as docs/internal-apis.md describes them. */
public final class Neighbours {

    public static final String PRO_PLAN = """
            {"slug":"pro","version":3,"name":"Pro","tier":"pro","billingModel":"tiered","interval":"month",
             "basePrice":{"amount":"99.00","currency":"USD"},
             "allowances":{"llm_tokens":1000000,"agent_sessions":100},
             "overage":[{"meter":"llm_tokens","packageSize":1000,"tiers":[
                 {"upTo":10000000,"unitAmount":"0.003"},{"upTo":null,"unitAmount":"0.002"}]},
               {"meter":"agent_sessions","packageSize":1,"tiers":[{"upTo":null,"unitAmount":"0.50"}]}],
             "entitlements":{"features":["sso"],"allowedModels":[]},
             "stripePriceIds":{"base":"price_base","metered":"price_metered"},"somethingNew":true}""";

    private Neighbours() {
    }

    static WireMockServer server() {
        return StandInsResource.neighbours();
    }

    public static void reset() {
        server().resetAll();
        // default: no contract for anyone
        server().stubFor(get(urlPathMatching("/v1/orgs/[^/]+/contracts/terms")).atPriority(10)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":404,\"code\":\"no_active_contract\",\"title\":\"Not found\"}")));
        server().stubFor(get(urlPathEqualTo("/v1/plans/pro/versions/3")).willReturn(okJson(PRO_PLAN)));
    }

    private static com.github.tomakehurst.wiremock.matching.UrlPathPattern urlPathMatching(String regex) {
        return com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(regex);
    }

    public static void accounts(List<String> orgs) {
        String items = orgs.stream().map(Neighbours::accountJson).collect(Collectors.joining(","));
        server().stubFor(get(urlPathEqualTo("/v1/accounts"))
                .willReturn(okJson("{\"items\":[" + items + "],\"nextCursor\":null,\"hasMore\":false}")));
    }

    /** A USD account on Pro v3, period February 2026 (ended), no events, usage as given. */
    public static void proAccount(String org, long tokens, long sessions) {
        server().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson(accountJson(org))));
        server().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(
                okJson("""
                        {"status":"active","currentPeriodStart":"2026-02-01T00:00:00Z","currentPeriodEnd":"2026-03-01T00:00:00Z",
                         "cancelAtPeriodEnd":false,"currency":"USD","plan":%s}"""
                        .formatted(PRO_PLAN))));
        server().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription/events")).willReturn(okJson("""
                {"items":[{"id":"ev-1","type":"subscription_created","occurredAt":"2025-12-01T00:00:00Z",
                 "effectiveAt":"2025-12-01T00:00:00Z","planSlug":"pro","planVersion":3,"fromStatus":null,
                 "toStatus":"active","reason":null,"actor":"owner"}],"nextCursor":null,"hasMore":false}""")));
        usage(org, tokens, sessions);
    }

    public static void usage(String org, long tokens, long sessions) {
        server().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).willReturn(okJson("""
                {"orgId":"%s","environment":"live","from":"2026-02-01T00:00:00Z","to":"2026-03-01T00:00:00Z",
                 "currency":"USD","totals":{"inputTokens":0,"outputTokens":0,"cachedTokens":0,"totalTokens":%d,
                 "requests":10,"agentSessions":%d,"toolCalls":0,"cost":"1.000000000000","revenue":"1.200000000000",
                 "unpricedEvents":0},"byModel":[],"byEndUser":[]}""".formatted(org, tokens, sessions))));
    }

    static String accountJson(String org) {
        return """
                {"orgId":"%s","name":"Acme","currency":"USD","timeZone":"UTC","planSlug":"pro",
                 "stripeCustomerId":"cus_%s","meteredEnabled":false,"createdAt":"2025-12-01T00:00:00Z"}"""
                .formatted(org, org.replace("-", ""));
    }
}
