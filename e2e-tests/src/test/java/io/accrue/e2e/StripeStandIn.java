package io.accrue.e2e;

import static io.restassured.RestAssured.given;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.restassured.path.json.JsonPath;

/**
 * What the suite sent to the Stripe stand-in (WireMock's request journal, read over its admin API) and how Stripe
 * signs the webhooks it sends back.
 */
public final class StripeStandIn {

    /** One request the stand-in received. */
    record Sent(String method, String path, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }

        String idempotencyKey() {
            return header("Idempotency-Key");
        }

        /** The form fields of a v1 request ({@code metadata[accrue_invoice_id]} and so on), decoded. */
        Map<String, String> form() {
            Map<String, String> fields = new LinkedHashMap<>();
            if (body == null || body.isBlank()) {
                return fields;
            }
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                fields.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return fields;
        }

        /** The JSON body of a v2 request. */
        JsonPath json() {
            return JsonPath.from(body);
        }
    }

    private StripeStandIn() {
    }

    /** Every request the stand-in has received since the suite started (the journal is never reset). */
    static List<Sent> journal() {
        JsonPath journal = given().get(Suite.stack().stripeUrl() + "/__admin/requests")
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> requests = journal.getList("requests.request");
        return requests.stream().map(StripeStandIn::sent).toList();
    }

    /**
     * Requests the stand-in had no Stripe-shaped answer for: unmatched by every mapping, or caught by the catch-all
     * {@code default-not-found} (a 404 "no mapping"). A service making a Stripe call the stand-in does not know
     * would otherwise pass locally on an invented error path; every e2e class asserts this is empty at its end.
     */
    static List<String> unanswered() {
        JsonPath journal = given().get(Suite.stack().stripeUrl() + "/__admin/requests")
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> events = journal.getList("requests");
        return events.stream().filter(StripeStandIn::unanswered)
                .map(e -> ((Map<?, ?>) e.get("request")).get("method") + " "
                        + ((Map<?, ?>) e.get("request")).get("url"))
                .toList();
    }

    private static boolean unanswered(Map<String, Object> serveEvent) {
        if (!Boolean.TRUE.equals(serveEvent.get("wasMatched"))) {
            return true;
        }
        return serveEvent.get("stubMapping") instanceof Map<?, ?> stub && "default-not-found".equals(stub.get("name"));
    }

    static List<Sent> posts(String pathRegex, Predicate<Sent> filter) {
        return journal().stream().filter(r -> r.method().equals("POST") && r.path().matches(pathRegex))
                .filter(filter).toList();
    }

    @SuppressWarnings("unchecked")
    private static Sent sent(Map<String, Object> request) {
        Map<String, String> headers = new LinkedHashMap<>();
        ((Map<String, Object>) request.getOrDefault("headers", Map.of())).forEach((name, value) -> headers.put(name,
                value instanceof List<?> values
                        ? String.join(",", values.stream().map(String::valueOf).toList())
                        : String.valueOf(value)));
        String url = (String) request.get("url");
        int query = url.indexOf('?');
        return new Sent((String) request.get("method"), query < 0 ? url : url.substring(0, query), headers,
                (String) request.get("body"));
    }

    /** The {@code Stripe-Signature} header exactly as Stripe computes it: HMAC-SHA256 of "t.payload". */
    public static String signature(String payload, String secret, long timestamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestamp + "." + payload).getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
