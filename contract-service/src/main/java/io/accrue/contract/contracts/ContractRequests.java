package io.accrue.contract.contracts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** What clients send to draft, edit, amend and move contracts. */
public final class ContractRequests {

    private ContractRequests() {
    }

    /** The full commercial content of a contract; used to create a draft and to replace a draft. */
    public record ContractDraft(
            @NotBlank @Size(max = 3) @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as USD") String currency,
            @NotNull Instant termStart,
            @NotNull Instant termEnd,
            @NotNull @Valid CommitmentInput commitment,
            @Size(max = 500) List<@NotNull @Valid RateInput> negotiatedRates,
            @PositiveOrZero @Digits(integer = 12, fraction = 12) BigDecimal prepaidCredits,
            @Size(max = 3) List<@NotNull @Valid MinimumInput> minimums,
            @Size(max = 20000) String customTerms,
            @Size(max = 500) String documentRef) {}

    /** Committed spend: {@code amount} per commitment period (for {@code whole_term}, over the whole term). */
    public record CommitmentInput(
            @NotNull @PositiveOrZero @Digits(integer = 12, fraction = 12) BigDecimal amount,
            @NotNull @Size(max = 16) @Pattern(regexp = "whole_term|annual|quarterly|monthly", message = "must be whole_term, annual, quarterly or monthly") String period) {}

    /** Exactly one of {@code model} and {@code meter}. */
    public record RateInput(
            @Size(min = 1, max = 200) String model,
            @Size(min = 1, max = 200) String meter,
            @NotNull @Size(max = 32) @Pattern(regexp = "discount_percent|fixed_unit_price", message = "must be discount_percent or fixed_unit_price") String kind,
            @NotNull @PositiveOrZero @Digits(integer = 12, fraction = 12) BigDecimal value) {}

    public record MinimumInput(
            @NotNull @Size(max = 16) @Pattern(regexp = "monthly|quarterly|annual", message = "must be monthly, quarterly or annual") String period,
            @NotNull @PositiveOrZero @Digits(integer = 12, fraction = 12) BigDecimal amount) {}

    /** Why a contract moves; every transition is audited with its author and this reason. */
    public record Transition(@NotBlank @Size(max = 2000) String reason) {}

    /** Ends an active contract early at {@code at} (default: now). */
    public record Termination(@NotBlank @Size(max = 2000) String reason, Instant at) {}

    /**
     * A new version of an active contract's terms from {@code effectiveFrom}; the fields not given keep
     * their current value. Currency and term stay as signed (a new term is a renewal).
     */
    public record Amendment(
            @NotNull Instant effectiveFrom,
            @NotBlank @Size(max = 2000) String reason,
            @Valid CommitmentInput commitment,
            @Size(max = 500) List<@NotNull @Valid RateInput> negotiatedRates,
            @PositiveOrZero @Digits(integer = 12, fraction = 12) BigDecimal prepaidCredits,
            @Size(max = 3) List<@NotNull @Valid MinimumInput> minimums,
            @Size(max = 20000) String customTerms,
            @Size(max = 500) String documentRef) {}

    /** Drafts the successor of a contract: same terms, a term starting where this one ends. */
    public record Renewal(@NotBlank @Size(max = 2000) String reason, @NotNull Instant termEnd) {}
}
