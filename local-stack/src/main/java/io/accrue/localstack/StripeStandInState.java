package io.accrue.localstack;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Makes the Stripe stand-in remember what the first hour and the console read back on the platform's own account:
 * a customer created is then retrievable, with the stand-in's test card attached and its default payment method as
 * last set (detaching it takes it off the list); an invoice created is then read, listed by customer, gets the items
 * added to it, is finalised (open, with a hosted payment page) and paid ({@code POST /v1/invoices/{id}/pay}, as
 * Stripe's automatic collection would). Writes replay their idempotency key as Stripe does: the same key gets the
 * same object, never a second one.
 *
 * <p>
 * Applied only by the mappings that name it ({@value #NAME}); their request matchers, status and headers stay in
 * the mapping files, and this builds the body. An id it never created (a stack restarted, a hand-written curl) is
 * answered with the same shape built from the request, as the stateless mappings did, so every call keeps a
 * Stripe-shaped answer. State lives as long as the stand-in.
 */
public final class StripeStandInState implements ResponseTransformerV2 {

    public static final String NAME = "stripe-state";
    private static final long CREATED = 1773568800L;
    private static final Pattern ID_IN_KEY = Pattern.compile("[0-9a-f]{8}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Map<String, Object>> customers = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> invoices = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> items = new LinkedHashMap<>();
    /** Payment methods taken off a customer (detached), by id. */
    private final Map<String, Boolean> detached = new HashMap<>();
    /** The id each write's idempotency key created, so a repeated key gets the same object back. */
    private final Map<String, String> createdUnderKey = new HashMap<>();

    @Override
    public String getName() { return NAME; }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public synchronized Response transform(Response response, ServeEvent event) {
        Request request = event.getRequest();
        if (request.containsHeader("Stripe-Account")) {
            return response; // Connect: the connected accounts' own mappings answer, statelessly
        }
        String path = request.getUrl().replaceFirst("\\?.*", "");
        String[] seg = path.split("/");
        Map<String, String> form = form(request);
        String key = request.getHeader("Idempotency-Key");
        Object body;
        boolean post = "POST".equals(request.getMethod().getName());
        if (path.equals("/v1/customers") && post) {
            body = createCustomer(key, form);
        } else if (path.matches("/v1/customers/[^/]+") && post) {
            body = updateCustomer(seg[3], form);
        } else if (path.matches("/v1/customers/[^/]+")) {
            body = customer(seg[3]);
        } else if (path.equals("/v1/payment_methods")) {
            body = paymentMethods(query(request, "customer"));
        } else if (path.matches("/v1/payment_methods/[^/]+/detach")) {
            body = detach(seg[3]);
        } else if (path.matches("/v1/payment_methods/[^/]+")) {
            body = paymentMethod(seg[3], ownerOfCard(seg[3]));
        } else if (path.equals("/v1/invoices") && post) {
            body = createInvoice(key, form);
        } else if (path.equals("/v1/invoices")) {
            body = list("/v1/invoices", invoices.values().stream()
                    .filter(i -> i.get("customer") != null && i.get("customer").equals(query(request, "customer")))
                    .toList().reversed());
        } else if (path.matches("/v1/invoices/[^/]+/finalize")) {
            body = finalise(seg[3]);
        } else if (path.matches("/v1/invoices/[^/]+/pay")) {
            body = pay(seg[3]);
        } else if (path.matches("/v1/invoices/[^/]+")) {
            body = invoice(seg[3]);
        } else if (path.equals("/v1/invoiceitems") && post) {
            body = createItem(key, form);
        } else if (path.equals("/v1/invoiceitems")) {
            String invoice = query(request, "invoice");
            body = list("/v1/invoiceitems", items.values().stream()
                    .filter(i -> invoice != null && invoice.equals(i.get("invoice"))).toList());
        } else {
            return response;
        }
        try {
            return Response.Builder.like(response).but().body(JSON.writeValueAsString(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets everything (tests of the stand-in itself). */
    public synchronized void reset() {
        customers.clear();
        invoices.clear();
        items.clear();
        detached.clear();
        createdUnderKey.clear();
    }

    private Map<String, Object> createCustomer(String key, Map<String, String> form) {
        String id = key == null ? null : createdUnderKey.get("customer " + key);
        if (id == null) {
            id = "cus_local_" + random(14);
            Map<String, Object> customer = new LinkedHashMap<>();
            customer.put("id", id);
            customer.put("object", "customer");
            customer.put("created", CREATED);
            customer.put("livemode", false);
            customer.put("email", form.get("email"));
            customer.put("name", form.get("name"));
            customer.put("metadata", metadata(form));
            // the stand-in's test card is on file from the start, as after a completed Checkout
            customer.put("invoice_settings", invoiceSettings("pm_local_card_" + id));
            customers.put(id, customer);
            if (key != null) {
                createdUnderKey.put("customer " + key, id);
            }
        }
        return customers.get(id);
    }

    private Map<String, Object> updateCustomer(String id, Map<String, String> form) {
        Map<String, Object> customer = customer(id);
        String method = form.get("invoice_settings[default_payment_method]");
        if (method != null) {
            customer.put("invoice_settings", invoiceSettings(method.isEmpty() ? null : method));
        }
        return customer;
    }

    private Map<String, Object> customer(String id) {
        Map<String, Object> known = customers.get(id);
        if (known != null) {
            return known;
        }
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("id", id);
        shape.put("object", "customer");
        shape.put("created", CREATED);
        shape.put("livemode", false);
        shape.put("metadata", Map.of());
        shape.put("invoice_settings", invoiceSettings("pm_local_card_" + id));
        // remembered from now on, so an update sticks
        customers.put(id, shape);
        return shape;
    }

    private static Map<String, Object> invoiceSettings(String defaultMethod) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("default_payment_method", defaultMethod);
        return settings;
    }

    private Map<String, Object> paymentMethods(String customerId) {
        List<Object> data = new ArrayList<>();
        String card = "pm_local_card_" + customerId;
        if (customerId != null && !detached.containsKey(card)) {
            data.add(paymentMethod(card, customerId));
        }
        return list("/v1/payment_methods", data);
    }

    private Map<String, Object> detach(String id) {
        String owner = ownerOfCard(id);
        detached.put(id, true);
        Map<String, Object> customer = owner == null ? null : customers.get(owner);
        if (customer != null
                && id.equals(((Map<?, ?>) customer.get("invoice_settings")).get("default_payment_method"))) {
            customer.put("invoice_settings", invoiceSettings(null));
        }
        return paymentMethod(id, null);
    }

    private String ownerOfCard(String paymentMethodId) {
        if (detached.containsKey(paymentMethodId)) {
            return null;
        }
        Matcher m = Pattern.compile("cus_[A-Za-z0-9_]+").matcher(paymentMethodId);
        return m.find() ? m.group() : null;
    }

    private static Map<String, Object> paymentMethod(String id, String customerId) {
        Map<String, Object> method = new LinkedHashMap<>();
        method.put("id", id);
        method.put("object", "payment_method");
        method.put("type", "card");
        method.put("customer", customerId);
        method.put("created", CREATED);
        method.put("livemode", false);
        method.put("card", Map.of("brand", "visa", "last4", "4242", "exp_month", 12, "exp_year", 2030, "funding",
                "credit", "country", "US"));
        return method;
    }

    private Map<String, Object> createInvoice(String key, Map<String, String> form) {
        String id = "in_local_" + idFromKey(key);
        Map<String, Object> existing = invoices.get(id);
        if (existing != null) {
            return existing;
        }
        Map<String, Object> invoice = new LinkedHashMap<>();
        invoice.put("id", id);
        invoice.put("object", "invoice");
        invoice.put("status", "draft");
        invoice.put("customer", form.get("customer"));
        invoice.put("currency", form.getOrDefault("currency", "usd"));
        invoice.put("auto_advance", "true".equals(form.get("auto_advance")));
        invoice.put("collection_method", form.getOrDefault("collection_method", "charge_automatically"));
        invoice.put("amount_due", 0L);
        invoice.put("amount_paid", 0L);
        invoice.put("hosted_invoice_url", null);
        invoice.put("created", CREATED);
        invoice.put("livemode", false);
        invoice.put("metadata", metadata(form));
        invoices.put(id, invoice);
        return invoice;
    }

    private Map<String, Object> invoice(String id) {
        Map<String, Object> known = invoices.get(id);
        if (known != null) {
            return known;
        }
        // one the stand-in never created: the shape the stateless mapping gave (a draft with its payment page)
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("id", id);
        shape.put("object", "invoice");
        shape.put("status", "draft");
        shape.put("auto_advance", false);
        shape.put("collection_method", "charge_automatically");
        shape.put("currency", "usd");
        shape.put("hosted_invoice_url", hostedUrl(id));
        shape.put("livemode", false);
        shape.put("metadata", Map.of());
        return shape;
    }

    private Map<String, Object> finalise(String id) {
        Map<String, Object> invoice = invoices.computeIfAbsent(id, this::invoice);
        if ("draft".equals(invoice.get("status"))) {
            invoice.put("status", "open");
            invoice.put("auto_advance", true);
            invoice.put("hosted_invoice_url", hostedUrl(id));
        }
        return invoice;
    }

    private Map<String, Object> pay(String id) {
        Map<String, Object> invoice = finalise(id);
        if ("open".equals(invoice.get("status"))) {
            invoice.put("status", "paid");
            invoice.put("amount_paid", invoice.getOrDefault("amount_due", 0L));
        }
        return invoice;
    }

    private Map<String, Object> createItem(String key, Map<String, String> form) {
        String id = key == null ? null : createdUnderKey.get("item " + key);
        if (id != null) {
            return items.get(id);
        }
        id = "ii_local_" + random(14);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", id);
        item.put("object", "invoiceitem");
        item.put("invoice", form.get("invoice"));
        item.put("customer", form.get("customer"));
        item.put("currency", form.getOrDefault("currency", "usd"));
        long amount = parseLong(form.get("amount"));
        item.put("amount", amount);
        item.put("description", form.get("description"));
        item.put("livemode", false);
        item.put("metadata", metadata(form));
        items.put(id, item);
        if (key != null) {
            createdUnderKey.put("item " + key, id);
        }
        Map<String, Object> invoice = invoices.get(form.get("invoice"));
        if (invoice != null) {
            invoice.put("amount_due", ((Number) invoice.get("amount_due")).longValue() + amount);
        }
        return item;
    }

    private static String hostedUrl(String invoiceId) {
        return "https://invoice.stripe.com/i/acct_local/" + invoiceId;
    }

    private static Map<String, Object> list(String url, List<?> data) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", data);
        list.put("has_more", false);
        list.put("url", url);
        return list;
    }

    private static String idFromKey(String key) {
        Matcher m = ID_IN_KEY.matcher(key == null ? "" : key);
        return m.find() ? m.group() : random(8).toLowerCase();
    }

    private static Map<String, String> metadata(Map<String, String> form) {
        Map<String, String> metadata = new LinkedHashMap<>();
        form.forEach((k, v) -> {
            if (k.startsWith("metadata[") && k.endsWith("]")) {
                metadata.put(k.substring("metadata[".length(), k.length() - 1), v);
            }
        });
        return metadata;
    }

    private static String query(Request request, String name) {
        var parameter = request.queryParameter(name);
        return parameter.isPresent() ? parameter.firstValue() : null;
    }

    private static Map<String, String> form(Request request) {
        Map<String, String> form = new LinkedHashMap<>();
        String body = request.getBodyAsString();
        if (body == null || body.isBlank() || body.trim().startsWith("{")) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.putIfAbsent(name, value);
        }
        return form;
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String random(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
