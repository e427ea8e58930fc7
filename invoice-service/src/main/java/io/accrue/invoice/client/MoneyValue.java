package io.accrue.invoice.client;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An amount as a neighbour sends it: {@code {"amount": "12.34", "currency": "USD"}} per the contract, or a bare
 * decimal string where the currency is implied by the surrounding record. Read leniently, never as a double.
 */
public record MoneyValue(BigDecimal amount, String currency) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static MoneyValue of(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            JsonNode amount = node.get("amount");
            JsonNode currency = node.get("currency");
            return new MoneyValue(amount == null || amount.isNull() ? null : new BigDecimal(amount.asText()),
                    currency == null || currency.isNull() ? null : currency.asText());
        }
        return new MoneyValue(new BigDecimal(node.asText()), null);
    }
}
