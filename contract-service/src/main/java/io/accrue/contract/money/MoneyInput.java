package io.accrue.contract.money;

import java.math.BigDecimal;
import java.util.Iterator;

import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An amount as a caller sends it: the suite's {@code {"amount": "12.34", "currency": "USD"}}, or a bare
 * decimal string whose currency is the contract's (invoice-service sends drawdowns that way). Never read
 * through a double; an object with any other member is refused, as unknown fields are everywhere.
 */
public record MoneyInput(
        @NotNull @PositiveOrZero @Digits(integer = 12, fraction = 12) BigDecimal amount,
        @Size(max = 3) @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as USD") String currency) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static MoneyInput of(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!name.equals("amount") && !name.equals("currency")) {
                    throw new IllegalArgumentException("unknown money member '" + name + "'");
                }
            }
            JsonNode amount = node.get("amount");
            JsonNode currency = node.get("currency");
            return new MoneyInput(amount == null || amount.isNull() ? null : decimal(amount),
                    currency == null || currency.isNull() ? null : currency.asText());
        }
        return new MoneyInput(decimal(node), null);
    }

    private static BigDecimal decimal(JsonNode node) {
        if (node.isTextual() || node.isBigDecimal() || node.isIntegralNumber()) {
            return new BigDecimal(node.asText());
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        throw new IllegalArgumentException("an amount is a decimal string");
    }
}
