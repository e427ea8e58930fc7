package io.accrue.console.browser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Puts usage into the stack the way a gateway does (usage-reporter token), so end users exist to manage. */
final class UsageSeed {

    private UsageSeed() {
    }

    /** A signed-in user's API call, for setting up data the console then shows. */
    static String post(String service, String path, String token, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create(ConsoleStack.stack().serviceUrl(service) + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " refused: " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** An active enterprise contract for the organisation, created and activated by its billing admin. */
    static String activeContract(String org) throws Exception {
        String token = ConsoleStack.token("bob@" + org, org, "billing-admin");
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS)
                .minus(java.time.Duration.ofDays(10));
        String draft = post("contract-service", "/v1/orgs/" + org + "/contracts", token, """
                {"currency":"USD","termStart":"%s","termEnd":"%s",
                 "commitment":{"amount":"12000.00","period":"whole_term"},"prepaidCredits":"500.00"}"""
                .formatted(start, start.plus(java.time.Duration.ofDays(365))));
        String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(draft).path("id").asText();
        post("contract-service", "/v1/orgs/" + org + "/contracts/" + id + "/activate", token,
                "{\"reason\":\"signed order form\"}");
        return id;
    }

    static void event(String org, String endUserId) throws Exception {
        String token = ConsoleStack.stack().token(org + "-gateway-live", List.of("usage-reporter"), org, "live");
        String body = """
                {"eventId":"%s","endUserId":"%s","model":"gpt-4o","provider":"openai","inputTokens":1200,
                 "outputTokens":300,"occurredAt":"%s"}""".formatted(UUID.randomUUID(), endUserId, Instant.now());
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create(ConsoleStack.stack().serviceUrl("usage-service") + "/v1/usage-events"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("usage event refused: " + response.statusCode() + " " + response.body());
        }
    }
}
