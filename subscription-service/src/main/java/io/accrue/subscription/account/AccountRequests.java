package io.accrue.subscription.account;

import java.time.Instant;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request and response records of the billing-account API. */
public final class AccountRequests {

    private AccountRequests() {
    }

    /** What a platform operator sends to provision an organisation. */
    public record CreateAccount(
            @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]*", message = "must be letters, digits, '_', '.' or '-'") String orgId,
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as USD") String currency,
            @Size(max = 64) String timeZone) {}

    public record AccountView(String orgId, String name, String currency, String timeZone, String planSlug,
            String stripeCustomerId, boolean meteredEnabled, Instant createdAt, Instant updatedAt) {

        static AccountView of(BillingAccount a) {
            return new AccountView(a.orgId, a.name, a.currency, a.timeZone, a.planSlug, a.stripeCustomerId,
                    a.meteredEnabled, a.createdAt, a.updatedAt);
        }
    }
}
