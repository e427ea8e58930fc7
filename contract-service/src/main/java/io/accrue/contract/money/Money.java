package io.accrue.contract.money;

import java.math.BigDecimal;

import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** {@code {"amount": "12.340000000000", "currency": "USD"}}: the suite's money shape (docs/internal-apis.md). */
public record Money(
        @NotNull @PositiveOrZero @Digits(integer = 12, fraction = 12) BigDecimal amount,
        @NotBlank @Size(max = 3) @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as USD") String currency) {

    public static Money of(BigDecimal amount, String currency) {
        return new Money(amount, currency);
    }
}
