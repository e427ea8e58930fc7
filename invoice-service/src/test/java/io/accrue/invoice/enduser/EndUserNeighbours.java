package io.accrue.invoice.enduser;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import io.accrue.invoice.StandInsResource;

/** The organisation's account and subscription as subscription-service answers them (its billing periods). */
final class EndUserNeighbours {

    private EndUserNeighbours() {
    }

    /** An account created on 2025-12-01 in {@code zone}, on a plan billed per {@code interval}. */
    static void billingAccount(String org, String zone, String interval) {
        billingAccount(org, zone, interval, null);
    }

    /** The account with its stored Stripe Connect account ({@code null}: none stored). */
    static void billingAccount(String org, String zone, String interval, String connectAccount) {
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson("""
                {"orgId":"%s","name":"Acme","currency":"EUR","timeZone":"%s","planSlug":"pro",
                 "stripeCustomerId":null,"meteredEnabled":false,"createdAt":"2025-12-01T09:30:00Z",
                 "stripeConnectAccountId":%s}"""
                .formatted(org, zone, connectAccount == null ? "null" : "\"" + connectAccount + "\""))));
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription"))
                .willReturn(okJson("""
                        {"status":"active","currentPeriodStart":"2026-03-01T00:00:00Z",
                         "currentPeriodEnd":"2026-04-01T00:00:00Z","cancelAtPeriodEnd":false,"currency":"EUR",
                         "plan":{"slug":"pro","version":1,"billingModel":"tiered","interval":"%s",
                                 "basePrice":{"amount":"99.00","currency":"EUR"}}}""".formatted(interval))));
    }
}
