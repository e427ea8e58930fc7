package io.accrue.subscription.plan;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.subscription.plan.PlanRequests.Entitlements;
import io.accrue.subscription.plan.PlanRequests.Money;
import io.accrue.subscription.plan.PlanRequests.Overage;
import io.accrue.subscription.plan.PlanRequests.PlanVersionView;

/**
 * Converts the JSON columns of {@link PlanDefinition}. A private mapper (not the HTTP one): the stored documents
 * are ours and their shape is fixed by the records.
 */
final class PlanJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PlanJson() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T read(String json, TypeReference<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt plan document: " + json, e);
        }
    }

    static PlanVersionView view(PlanDefinition p, String currency) {
        Map<String, BigDecimal> prices = read(p.basePrices, new TypeReference<TreeMap<String, BigDecimal>>() {
        });
        String chosen = currency != null && prices.containsKey(currency)
                ? currency
                : prices.containsKey("USD") ? "USD" : prices.keySet().iterator().next();
        return new PlanVersionView(p.slug, p.version, p.name, p.tier, p.billingModel, p.interval,
                new Money(prices.get(chosen), chosen), prices,
                read(p.allowances, new TypeReference<LinkedHashMap<String, Long>>() {
                }),
                read(p.overage, new TypeReference<List<Overage>>() {
                }),
                read(p.entitlements, new TypeReference<Entitlements>() {
                }),
                read(p.stripePriceIds, new TypeReference<LinkedHashMap<String, String>>() {
                }), p.archived,
                p.createdAt);
    }
}
