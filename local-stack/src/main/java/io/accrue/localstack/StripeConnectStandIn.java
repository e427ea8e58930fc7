package io.accrue.localstack;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * A stateful Stripe stand-in for the platform's own account and for Connect, plugged into the Stripe WireMock as a transformer (stubs opt in with
 * {@code withTransformers(NAME)}), so WireMock's request journal still records every call. It behaves the way Stripe's
 * v1 API does where exactly-once depends on it:
 * <ul>
 * <li>objects live per connected account (the {@code Stripe-Account} header), or on the platform's own account
 * ({@link #PLATFORM}) when the header is absent; a connected account the platform does not reach answers 403
 * {@code account_invalid};</li>
 * <li>a POST with an {@code Idempotency-Key} already used on that account replays the first answer, status and body,
 * with {@code Idempotent-Replayed: true}, once the endpoint had started executing (a 500 included); the same key with
 * other parameters answers 400 {@code idempotency_error}; validation failures are not kept;</li>
 * <li>bodies are shaped like the API version stripe-java pins (2026-07-29.dahlia): e.g. no
 * {@code application_fee_amount} on the invoice object since basil, so tests read the fee from the request.</li>
 * </ul>
 * Faults are queued per endpoint: an error before the endpoint runs (nothing kept), an error answer after it ran
 * with or without the object created (kept under the key), and an answer that arrives after the client gave up.
 */
public final class StripeConnectStandIn implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "stripe-connect-stand-in";
    /** The platform's own account: requests without a {@code Stripe-Account} header. */
    public static final String PLATFORM = "platform";
    /** Longer than the test profile's Stripe read timeout. */
    public static final int LATE_ANSWER_MS = 4000;
    private static final long EPOCH = 1773568800L;
    private static final StripeConnectStandIn INSTANCE = new StripeConnectStandIn();
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Fault {
        /** 500 before the endpoint ran (a load balancer, say): nothing done, nothing kept under the key. */
        ERROR_BEFORE_EXECUTION,
        /** The object is created, then the request fails with 500; Stripe keeps that 500 under the key. */
        ERROR_AFTER_CREATING,
        /** The endpoint fails with 500 before creating anything; Stripe keeps that 500 under the key. */
        ERROR_WITHOUT_CREATING,
        /** Done and kept as usual, but the answer comes after the client's read timeout. */
        ANSWER_AFTER_TIMEOUT
    }

    private record Queued(String method, Pattern path, Fault fault) {}

    private record Kept(String method, String path, Map<String, String> params, int status, String body,
            String requestId) {}

    private record Answer(int status, Object body) {}

    private final Map<String, Boolean> accounts = new HashMap<>();
    private final Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    private final Map<String, String> ownerOf = new HashMap<>();
    private final Map<String, Map<String, String>> createParams = new HashMap<>();
    private final Map<String, Kept> kept = new HashMap<>();
    private final Deque<Queued> faults = new ArrayDeque<>();
    private long sequence;

    public static StripeConnectStandIn instance() {
        return INSTANCE;
    }

    @Override
    public String getName() { return NAME; }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    public synchronized void reset() {
        accounts.clear();
        objects.clear();
        ownerOf.clear();
        createParams.clear();
        kept.clear();
        faults.clear();
    }

    /** A connected account the platform reaches. */
    public synchronized void account(String id, boolean chargesEnabled) {
        accounts.put(id, chargesEnabled);
    }

    /** A customer on the platform's own account, as subscription-service would have created it. */
    public synchronized void platformCustomer(String id) {
        Map<String, Object> customer = customer(Map.of());
        customer.put("id", id);
        create(PLATFORM, customer, Map.of());
    }

    /** The platform loses access to the account (the organisation disconnected it). */
    public synchronized void disconnect(String id) {
        accounts.remove(id);
    }

    /** The next request matching method and path (a regex) meets the fault. */
    public synchronized void failNext(String method, String pathRegex, Fault fault) {
        faults.add(new Queued(method, Pattern.compile(pathRegex), fault));
    }

    /**
     * The objects of one type ({@code customer}, {@code invoice}, {@code invoiceitem}) on an account ({@link #PLATFORM}
     * for the platform's own).
     */
    public synchronized List<Map<String, Object>> objects(String account, String type) {
        return objects.values().stream().filter(o -> type.equals(o.get("object")))
                .filter(o -> account.equals(ownerOf.get((String) o.get("id"))))
                .map(o -> (Map<String, Object>) new LinkedHashMap<>(o)).toList();
    }

    /** The form parameters an object was created with (e.g. an invoice's {@code application_fee_amount}). */
    public synchronized Map<String, String> createParams(String id) {
        return Map.copyOf(createParams.get(id));
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        String method = request.getMethod().getName();
        URI uri = URI.create(request.getUrl());
        String path = uri.getPath();
        Map<String, String> params = new TreeMap<>(form(uri.getRawQuery()));
        if (method.equals("POST")) {
            params.putAll(form(request.getBodyAsString()));
        }
        String account = request.containsHeader("Stripe-Account") ? request.getHeader("Stripe-Account") : PLATFORM;
        String key = request.getHeader("Idempotency-Key");
        synchronized (this) {
            Fault fault = takeFault(method, path);
            String requestId = "req_" + id();
            if (fault == Fault.ERROR_BEFORE_EXECUTION) {
                return respond(500, error("api_error", null, "An unknown error occurred"), requestId, null, 0);
            }
            if (!path.startsWith("/v1/accounts/") && !PLATFORM.equals(account) && !accounts.containsKey(account)) {
                // refused before the endpoint ran: nothing kept
                return respond(403, error("invalid_request_error", "account_invalid",
                        "The provided key 'sk_test_********oice' does not have access to account '" + account
                                + "' (or that account does not exist). Application access may have been revoked."),
                        requestId, null, 0);
            }
            String keptAs = account + "\u0000" + key;
            if (method.equals("POST") && key != null && kept.containsKey(keptAs)) {
                Kept first = kept.get(keptAs);
                if (!first.method().equals(method) || !first.path().equals(path) || !first.params().equals(params)) {
                    return respond(400, error("idempotency_error", null,
                            "Keys for idempotent requests can only be used with the same parameters they were first"
                                    + " used with. Try using a key other than '" + key
                                    + "' if you meant to execute a different request."),
                            requestId, null, 0);
                }
                return respond(first.status(), first.body(), requestId, first.requestId(), 0);
            }
            Answer answer;
            if (fault == Fault.ERROR_WITHOUT_CREATING) {
                answer = new Answer(500, error("api_error", null, "An unknown error occurred"));
            } else {
                answer = execute(method, path, account, params);
                if (answer.status() == 400) {
                    // a validation failure: Stripe keeps nothing under the key
                    return respond(answer.status(), answer.body(), requestId, null, 0);
                }
                if (fault == Fault.ERROR_AFTER_CREATING) {
                    answer = new Answer(500, error("api_error", null, "An unknown error occurred"));
                }
            }
            String body = json(answer.body());
            if (method.equals("POST") && key != null) {
                kept.put(keptAs, new Kept(method, path, Map.copyOf(params), answer.status(), body, requestId));
            }
            return respond(answer.status(), body, requestId, null,
                    fault == Fault.ANSWER_AFTER_TIMEOUT ? LATE_ANSWER_MS : 0);
        }
    }

    private Fault takeFault(String method, String path) {
        for (Iterator<Queued> it = faults.iterator(); it.hasNext();) {
            Queued q = it.next();
            if (q.method().equals(method) && q.path().matcher(path).matches()) {
                it.remove();
                return q.fault();
            }
        }
        return null;
    }

    private Answer execute(String method, String path, String account, Map<String, String> params) {
        String[] p = path.substring(1).split("/");
        if (method.equals("GET") && p.length == 3 && p[1].equals("accounts")) {
            Boolean chargesEnabled = accounts.get(p[2]);
            if (chargesEnabled == null) {
                return new Answer(403, error("invalid_request_error", "account_invalid",
                        "The provided key 'sk_test_********oice' does not have access to account '" + p[2]
                                + "' (or that account does not exist). Application access may have been revoked."));
            }
            return new Answer(200, accountObject(p[2], chargesEnabled));
        }
        if (method.equals("POST") && path.equals("/v1/customers")) {
            return new Answer(200, create(account, customer(params), params));
        }
        if (method.equals("GET") && path.equals("/v1/customers/search")) {
            return new Answer(200, search(account, params.getOrDefault("query", "")));
        }
        if (method.equals("POST") && path.equals("/v1/invoices")) {
            Map<String, Object> customer = owned(account, params.get("customer"), "customer");
            if (customer == null) {
                return missing("customer", params.get("customer"));
            }
            return new Answer(200, create(account, invoice(params, customer), params));
        }
        if (method.equals("GET") && path.equals("/v1/invoices")) {
            return new Answer(200, list("/v1/invoices", account, "invoice", "customer", params.get("customer")));
        }
        if (p.length >= 3 && p[1].equals("invoices")) {
            Map<String, Object> invoice = owned(account, p[2], "invoice");
            if (invoice == null) {
                return missing("invoice", p[2]);
            }
            if (method.equals("GET") && p.length == 3) {
                return new Answer(200, invoice);
            }
            if (method.equals("POST") && p.length == 4 && p[3].equals("finalize")) {
                if (!"draft".equals(invoice.get("status"))) {
                    return new Answer(400, error("invalid_request_error", "invoice_not_editable",
                            "This invoice is already finalized, you can't re-finalize a non-draft invoice."));
                }
                finalise(invoice, params);
                return new Answer(200, invoice);
            }
        }
        if (method.equals("POST") && path.equals("/v1/invoiceitems")) {
            Map<String, Object> invoice = owned(account, params.get("invoice"), "invoice");
            if (owned(account, params.get("customer"), "customer") == null) {
                return missing("customer", params.get("customer"));
            }
            if (invoice == null) {
                return missing("invoice", params.get("invoice"));
            }
            Map<String, Object> item = create(account, item(params), params);
            attach(invoice, item);
            return new Answer(200, item);
        }
        if (method.equals("GET") && path.equals("/v1/invoiceitems")) {
            return new Answer(200, list("/v1/invoiceitems", account, "invoiceitem", "invoice", params.get("invoice")));
        }
        return new Answer(404, error("invalid_request_error", null,
                "Unrecognized request URL (" + method + ": " + path + ")."));
    }

    private Map<String, Object> create(String account, Map<String, Object> object, Map<String, String> params) {
        String id = (String) object.get("id");
        objects.put(id, object);
        ownerOf.put(id, account);
        createParams.put(id, Map.copyOf(params));
        return object;
    }

    private Map<String, Object> owned(String account, String id, String type) {
        Map<String, Object> o = id == null ? null : objects.get(id);
        return o != null && type.equals(o.get("object")) && account.equals(ownerOf.get(id)) ? o : null;
    }

    private Map<String, Object> customer(Map<String, String> params) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", "cus_" + id());
        c.put("object", "customer");
        c.put("address", null);
        c.put("balance", 0);
        c.put("created", EPOCH + sequence);
        c.put("currency", null);
        c.put("default_source", null);
        c.put("delinquent", false);
        c.put("description", params.get("description"));
        c.put("email", params.get("email"));
        c.put("invoice_prefix", "ACC" + sequence);
        c.put("invoice_settings", map("custom_fields", null, "default_payment_method", null, "footer", null,
                "rendering_options", null));
        c.put("livemode", false);
        c.put("metadata", metadata(params));
        c.put("name", params.get("name"));
        c.put("next_invoice_sequence", 1);
        c.put("phone", null);
        c.put("preferred_locales", List.of());
        c.put("shipping", null);
        c.put("tax_exempt", "none");
        c.put("test_clock", null);
        return c;
    }

    private Map<String, Object> invoice(Map<String, String> params, Map<String, Object> customer) {
        String id = "in_" + id();
        long created = EPOCH + sequence;
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("id", id);
        i.put("object", "invoice");
        i.put("account_country", "US");
        i.put("account_name", "Connected Org");
        i.put("account_tax_ids", null);
        i.put("amount_due", 0L);
        i.put("amount_overpaid", 0L);
        i.put("amount_paid", 0L);
        i.put("amount_remaining", 0L);
        i.put("amount_shipping", 0L);
        i.put("application", "ca_accrue_platform");
        i.put("attempt_count", 0);
        i.put("attempted", false);
        i.put("auto_advance", Boolean.parseBoolean(params.getOrDefault("auto_advance", "false")));
        i.put("automatic_tax", map("enabled", false, "liability", null, "status", null));
        i.put("automatically_finalizes_at", null);
        i.put("billing_reason", "manual");
        i.put("collection_method", params.getOrDefault("collection_method", "charge_automatically"));
        i.put("confirmation_secret", null);
        i.put("created", created);
        i.put("currency", params.get("currency"));
        i.put("custom_fields", null);
        i.put("customer", customer.get("id"));
        i.put("customer_address", null);
        i.put("customer_email", customer.get("email"));
        i.put("customer_name", customer.get("name"));
        i.put("customer_phone", null);
        i.put("customer_shipping", null);
        i.put("customer_tax_exempt", "none");
        i.put("customer_tax_ids", List.of());
        i.put("default_payment_method", null);
        i.put("default_source", null);
        i.put("default_tax_rates", List.of());
        i.put("description", params.get("description"));
        i.put("discounts", List.of());
        i.put("due_date", null);
        i.put("effective_at", null);
        i.put("ending_balance", null);
        i.put("footer", null);
        i.put("from_invoice", null);
        i.put("hosted_invoice_url", null);
        i.put("invoice_pdf", null);
        i.put("issuer", Map.of("type", "self"));
        i.put("last_finalization_error", null);
        i.put("latest_revision", null);
        i.put("lines", map("object", "list", "data", new ArrayList<>(), "has_more", false, "total_count", 0,
                "url", "/v1/invoices/" + id + "/lines"));
        i.put("livemode", false);
        i.put("metadata", metadata(params));
        i.put("next_payment_attempt", null);
        i.put("number", null);
        i.put("on_behalf_of", null);
        i.put("parent", null);
        i.put("payment_settings", map("default_mandate", null, "payment_method_options", null,
                "payment_method_types", null));
        i.put("payments", map("object", "list", "data", List.of(), "has_more", false, "total_count", 0, "url",
                "/v1/invoice_payments"));
        i.put("period_end", created);
        i.put("period_start", created);
        i.put("post_payment_credit_notes_amount", 0);
        i.put("pre_payment_credit_notes_amount", 0);
        i.put("receipt_number", null);
        i.put("rendering", null);
        i.put("shipping_cost", null);
        i.put("shipping_details", null);
        i.put("starting_balance", 0);
        i.put("statement_descriptor", null);
        i.put("status", "draft");
        i.put("status_transitions", map("finalized_at", null, "marked_uncollectible_at", null, "paid_at", null,
                "voided_at", null));
        i.put("subtotal", 0L);
        i.put("subtotal_excluding_tax", 0L);
        i.put("test_clock", null);
        i.put("total", 0L);
        i.put("total_discount_amounts", List.of());
        i.put("total_excluding_tax", 0L);
        i.put("total_pretax_credit_amounts", List.of());
        i.put("total_taxes", List.of());
        i.put("webhooks_delivered_at", null);
        return i;
    }

    private Map<String, Object> item(Map<String, String> params) {
        Map<String, Object> ii = new LinkedHashMap<>();
        long amount = Long.parseLong(params.getOrDefault("amount", "0"));
        ii.put("id", "ii_" + id());
        ii.put("object", "invoiceitem");
        ii.put("amount", amount);
        ii.put("currency", params.get("currency"));
        ii.put("customer", params.get("customer"));
        ii.put("customer_account", null);
        ii.put("date", EPOCH + sequence);
        ii.put("description", params.get("description"));
        ii.put("discountable", true);
        ii.put("discounts", List.of());
        ii.put("invoice", params.get("invoice"));
        ii.put("livemode", false);
        ii.put("metadata", metadata(params));
        ii.put("net_amount", amount);
        ii.put("parent", null);
        ii.put("period", map("end", Long.parseLong(params.getOrDefault("period[end]", "0")), "start",
                Long.parseLong(params.getOrDefault("period[start]", "0"))));
        ii.put("pricing", map("price_details", null, "type", "unit_amount_decimal", "unit_amount_decimal",
                String.valueOf(amount)));
        ii.put("proration", false);
        ii.put("quantity", 1);
        ii.put("tax_rates", List.of());
        ii.put("test_clock", null);
        return ii;
    }

    @SuppressWarnings("unchecked")
    private void attach(Map<String, Object> invoice, Map<String, Object> item) {
        Map<String, Object> lines = (Map<String, Object>) invoice.get("lines");
        List<Object> data = (List<Object>) lines.get("data");
        data.add(map("id", "il_" + id(), "object", "line_item", "amount", item.get("amount"), "currency",
                item.get("currency"), "description", item.get("description"), "invoice", invoice.get("id"),
                "livemode", false, "metadata", item.get("metadata"), "parent",
                map("invoice_item_details", map("invoice_item", item.get("id"), "proration", false,
                        "proration_details", map("credited_items", null), "subscription", null),
                        "subscription_item_details",
                        null, "type", "invoice_item_details"),
                "period", item.get("period"), "pretax_credit_amounts", List.of(), "pricing", item.get("pricing"),
                "quantity", 1, "taxes", List.of()));
        lines.put("total_count", data.size());
        long total = data.stream().mapToLong(l -> ((Number) ((Map<String, Object>) l).get("amount")).longValue())
                .sum();
        for (String field : List.of("subtotal", "subtotal_excluding_tax", "total", "total_excluding_tax",
                "amount_due", "amount_remaining")) {
            invoice.put(field, total);
        }
    }

    @SuppressWarnings("unchecked")
    private void finalise(Map<String, Object> invoice, Map<String, String> params) {
        String id = (String) invoice.get("id");
        long now = EPOCH + sequence;
        Map<String, String> created = createParams.get(id);
        invoice.put("status", "open");
        invoice.put("auto_advance", Boolean.parseBoolean(params.getOrDefault("auto_advance", "false")));
        invoice.put("number", "ACME-" + String.format("%04d", sequence));
        invoice.put("hosted_invoice_url", "https://invoice.stripe.com/i/acct_test/test_" + id);
        invoice.put("invoice_pdf", "https://pay.stripe.com/invoice/acct_test/test_" + id + "/pdf");
        invoice.put("effective_at", now);
        if (created.containsKey("days_until_due")) {
            invoice.put("due_date", now + Long.parseLong(created.get("days_until_due")) * 86_400);
        }
        ((Map<String, Object>) invoice.get("status_transitions")).put("finalized_at", now);
    }

    private Map<String, Object> list(String url, String account, String type, String field, String value) {
        List<Map<String, Object>> data = objects.values().stream().filter(o -> type.equals(o.get("object")))
                .filter(o -> account.equals(ownerOf.get((String) o.get("id"))))
                .filter(o -> value == null || value.equals(o.get(field))).toList().reversed();
        return map("object", "list", "data", data, "has_more", false, "url", url);
    }

    /** The search language as far as this code uses it: {@code metadata['k']:'v'} terms joined by AND. */
    private Map<String, Object> search(String account, String query) {
        Matcher m = Pattern.compile("metadata\\['([^']+)'\\]:'((?:\\\\.|[^'\\\\])*)'").matcher(query);
        Map<String, String> wanted = new HashMap<>();
        while (m.find()) {
            wanted.put(m.group(1), m.group(2).replaceAll("\\\\(.)", "$1"));
        }
        List<Map<String, Object>> data = objects(account, "customer").stream().filter(c -> {
            @SuppressWarnings("unchecked")
            Map<String, String> md = (Map<String, String>) c.get("metadata");
            return !wanted.isEmpty() && wanted.entrySet().stream()
                    .allMatch(w -> w.getValue().equals(md.get(w.getKey())));
        }).toList();
        return map("object", "search_result", "data", data, "has_more", false, "next_page", null, "url",
                "/v1/customers/search");
    }

    private Map<String, Object> accountObject(String id, boolean chargesEnabled) {
        return map("id", id, "object", "account", "business_profile", map("name", "Connected Org", "url", null),
                "business_type", "company", "capabilities",
                map("card_payments", chargesEnabled ? "active" : "inactive", "transfers",
                        chargesEnabled ? "active" : "inactive"),
                "charges_enabled", chargesEnabled, "controller", map("type", "application", "is_controller", true),
                "country", "US", "created", EPOCH - 86_400, "default_currency", "usd", "details_submitted", true,
                "email", null, "metadata", Map.of(), "payouts_enabled", chargesEnabled, "type", "standard");
    }

    private static Map<String, String> metadata(Map<String, String> params) {
        Map<String, String> md = new TreeMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith("metadata[") && k.endsWith("]")) {
                md.put(k.substring("metadata[".length(), k.length() - 1), v);
            }
        });
        return md;
    }

    private static Answer missing(String param, String id) {
        return new Answer(400, map("error", map("code", "resource_missing", "doc_url",
                "https://stripe.com/docs/error-codes/resource-missing", "message",
                "No such " + param + ": '" + id + "'", "param", param, "type", "invalid_request_error")));
    }

    private static Map<String, Object> error(String type, String code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (code != null) {
            e.put("code", code);
            e.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        e.put("message", message);
        e.put("type", type);
        return map("error", e);
    }

    private static ResponseDefinition respond(int status, Object body, String requestId, String replayOf,
            int delayMs) {
        ResponseDefinitionBuilder r = ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withHeader("Stripe-Version", "2026-07-29.dahlia")
                .withHeader("Request-Id", requestId)
                .withBody(body instanceof String s ? s : json(body));
        if (replayOf != null) {
            r = r.withHeader("Idempotent-Replayed", "true").withHeader("Original-Request", replayOf);
        }
        if (delayMs > 0) {
            r = r.withFixedDelay(delayMs);
        }
        return r.build();
    }

    private String id() {
        sequence++;
        String digits = Long.toString(1_000_000_000L + sequence * 7919, 36);
        return ("Tst" + digits + "AbCdEfGhIjKlMn").substring(0, 14);
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    /** A map that keeps nulls and order, as Stripe's JSON does. */
    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
