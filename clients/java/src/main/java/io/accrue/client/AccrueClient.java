package io.accrue.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * usage-service for a gateway: report usage events, check quota, reserve / settle / release. Thread-safe; build
 * one per process and share it.
 *
 * <pre>
 * AccrueClient accrue = AccrueClient.builder("https://usage.example.com").apiKey(System.getenv("ACCRUE_API_KEY")).build();
 * </pre>
 *
 * Sending retries 429, 503 and I/O failures with the {@link RetryPolicy} (the event ids make a resend safe: the
 * server answers {@code duplicate} for what it already has). Quota calls retry only 503 and I/O failures: a 429 there
 * is the answer ({@link QuotaRefusedException}), not an overload.
 */
public final class AccrueClient {

    private final URI base;
    private final Supplier<String> credential;
    private final Duration requestTimeout;
    private final RetryPolicy retry;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Sleeper sleeper;

    private AccrueClient(Builder b) {
        String url = b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl;
        this.base = URI.create(url);
        this.credential = Objects.requireNonNull(b.credential, "apiKey or tokenSupplier is required");
        this.requestTimeout = b.requestTimeout;
        this.retry = b.retry;
        this.sleeper = b.sleeper;
        this.http = HttpClient.newBuilder().connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    /**
     * Sends up to 1,000 events as one batch and answers one result per event. Retries 429/503/I/O per the policy;
     * when it gives up, throws {@link DeliveryException} (nothing is known to be stored, resending is safe). A
     * refusal of the whole request (401, 400 malformed…) throws {@link AccrueApiException}.
     */
    public BatchResult send(List<UsageEvent> events) {
        List<Map<String, Object>> bodies = new ArrayList<>(events.size());
        for (UsageEvent e : events) {
            bodies.add(e.fields());
        }
        byte[] body = write(Map.of("events", bodies));
        Answer a = call("POST", "/v1/usage-events", body, true);
        if (a.status == 200) {
            return read(a.body, BatchResult.class);
        }
        throw problem(a);
    }

    /** Sends one event that settles {@code reservation} (its tokens are then counted as used, once). */
    public EventResult settle(Reservation reservation, UsageEvent event) {
        return send(List.of(event.settling(reservation.id()))).results().get(0);
    }

    /** May this end user make a call? Throws {@link QuotaRefusedException} when not. */
    public QuotaAnswer checkQuota(String endUserId, String model, long estimatedTokens) {
        StringBuilder q = new StringBuilder("/v1/quota/check?endUserId=").append(enc(endUserId))
                .append("&estimatedTokens=").append(estimatedTokens);
        if (model != null) {
            q.append("&model=").append(enc(model));
        }
        Answer a = call("GET", q.toString(), null, false);
        if (a.status == 200) {
            return read(a.body, QuotaAnswer.class);
        }
        throw refusalOrProblem(a);
    }

    /** Holds {@code estimatedTokens} for the end user until settled, released or {@code ttl} passes (null: server default). */
    public Reservation reserve(String endUserId, String model, long estimatedTokens, Duration ttl) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("endUserId", endUserId);
        if (model != null) {
            req.put("model", model);
        }
        req.put("estimatedTokens", estimatedTokens);
        if (ttl != null) {
            req.put("ttlSeconds", ttl.toSeconds());
        }
        Answer a = call("POST", "/v1/quota/reservations", write(req), false);
        if (a.status == 201 || a.status == 200) {
            return read(a.body, Reservation.class);
        }
        throw refusalOrProblem(a);
    }

    /** Releases an open reservation (the call did not happen). */
    public Reservation release(UUID reservationId) {
        Answer a = call("DELETE", "/v1/quota/reservations/" + reservationId, null, false);
        if (a.status == 200) {
            return read(a.body, Reservation.class);
        }
        throw problem(a);
    }

    private record Answer(int status, byte[] body, Duration retryAfter) {}

    private Answer call(String method, String pathAndQuery, byte[] body, boolean retry429) {
        for (int attempt = 1;; attempt++) {
            Answer a;
            try {
                a = once(method, pathAndQuery, body);
            } catch (IOException e) {
                if (!retry.mayRetry(attempt)) {
                    throw new DeliveryException("usage-service not reached after " + attempt + " attempts", e);
                }
                pause(retry.delay(attempt, null));
                continue;
            }
            boolean retryable = a.status == 503 || (retry429 && a.status == 429);
            if (!retryable) {
                return a;
            }
            if (!retry.mayRetry(attempt)) {
                AccrueApiException last = problem(a);
                throw new DeliveryException("usage-service answered " + a.status + " " + last.code() + " "
                        + attempt + " times", last);
            }
            pause(retry.delay(attempt, a.retryAfter));
        }
    }

    private Answer once(String method, String pathAndQuery, byte[] body) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(requestTimeout)
                .header("Authorization", "Bearer " + credential.get()).header("Accept", "application/json");
        if (body != null) {
            r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<byte[]> res = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(res.statusCode(), res.body(),
                    retryAfter(res.headers().firstValue("Retry-After")).orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
    static Optional<Duration> retryAfter(Optional<String> header) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String v = header.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException unreadable) {
                return Optional.empty();
            }
        }
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while waiting to retry", e);
        }
    }

    private RuntimeException refusalOrProblem(Answer a) {
        AccrueApiException p = problem(a);
        if (a.status == 429 || (a.status == 403 && !"forbidden".equals(p.code())
                && !p.code().startsWith("organisation_") && !p.code().startsWith("environment_")
                && !p.code().startsWith("api_key_"))) {
            return new QuotaRefusedException(a.status, p.code(), p.getMessage(), a.retryAfter);
        }
        return p;
    }

    private AccrueApiException problem(Answer a) {
        String code = "http_" + a.status;
        String detail = null;
        try {
            JsonNode n = json.readTree(a.body);
            if (n != null && n.hasNonNull("code")) {
                code = n.get("code").asText();
            }
            if (n != null && n.hasNonNull("detail")) {
                detail = n.get("detail").asText();
            }
        } catch (IOException | RuntimeException notProblemJson) {
            // a proxy's HTML page or an empty body: the status is all there is
        }
        return new AccrueApiException(a.status, code, detail);
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + e.getMessage(), e);
        }
    }

    private <T> T read(byte[] body, Class<T> type) {
        try {
            return json.readValue(body, type);
        } catch (IOException e) {
            throw new AccrueApiException(200, "unreadable_answer", e.getMessage());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Waits between attempts; tests replace it to record the waits. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public static final class Builder {
        private final String baseUrl;
        private Supplier<String> credential;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private RetryPolicy retry = RetryPolicy.defaults();
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        }

        /** An Accrue API key ({@code acr_live_…}, role usage-reporter), sent as {@code Authorization: Bearer}. */
        public Builder apiKey(String key) {
            Objects.requireNonNull(key, "apiKey");
            this.credential = () -> key;
            return this;
        }

        /** An OIDC access token, asked for on every request (so the supplier can refresh it). */
        public Builder tokenSupplier(Supplier<String> tokens) {
            this.credential = Objects.requireNonNull(tokens, "tokenSupplier");
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d);
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = Objects.requireNonNull(d);
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy);
            return this;
        }

        public Builder sleeper(Sleeper s) {
            this.sleeper = Objects.requireNonNull(s);
            return this;
        }

        public AccrueClient build() {
            return new AccrueClient(this);
        }
    }
}
