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
