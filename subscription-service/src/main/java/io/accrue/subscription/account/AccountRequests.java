package io.accrue.subscription.account;

import java.time.Instant;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.accrue.subscription.lifecycle.AccountTerms;

/** Request and response records of the billing-account API. */
public final class AccountRequests {

    private AccountRequests() {
    }

    /** What a platform operator sends to provision an organisation. */
    public record CreateAccount(
            @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]*", message = "must be letters, digits, '_', '.' or '-'") String orgId,
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Size(max = 3) @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as USD") String currency,
            @Size(max = 64) String timeZone) {}

    /**
     * An account with the terms it bills by as they are now ({@code currency}, {@code planSlug}, {@code planVersion},
     * {@code status}: the subscription's, after a currency switch or plan change has taken effect).
     */
    public record AccountView(String orgId, String name, String currency, String timeZone, String planSlug,
            Integer planVersion, String status, String stripeCustomerId, boolean meteredEnabled, Instant createdAt,
            Instant updatedAt, BillingDetails billingDetails, String stripeConnectAccountId) {

        static AccountView of(BillingAccount a, AccountTerms terms) {
            // no subscription (only inside the provisioning transaction): the account as provisioned
            return new AccountView(a.orgId, a.name, terms == null ? a.provisionedCurrency : terms.currency(),
                    a.timeZone, terms == null ? null : terms.planSlug(), terms == null ? null : terms.planVersion(),
                    terms == null ? null : terms.status().wire(), a.stripeCustomerId, a.meteredEnabled, a.createdAt,
                    a.updatedAt, BillingDetails.of(a), a.stripeConnectAccountId);
        }
    }

    /**
     * The organisation's Stripe Connect account (its own Stripe account, connected to the platform's), stored once
     * for end-user invoicing; {@code null} removes it.
     */
    public record StripeConnect(
            @Size(max = 255) @Pattern(regexp = "acct_[A-Za-z0-9]+", message = "must be a Stripe account id (acct_…)") String accountId) {}

    /**
     * Who invoices are addressed to (printed as the bill-to of every invoice document); each field optional, a
     * replace sets all of them.
     */
    public record BillingDetails(@Size(max = 200) String legalName, @Valid Address address,
            @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9 .\\-/]+", message = "must be letters, digits, spaces, '.', '-' or '/'") String taxId) {

        static BillingDetails of(BillingAccount a) {
            Address address = Address.of(a);
            return a.legalName == null && a.taxId == null && address == null
                    ? null
                    : new BillingDetails(a.legalName, address, a.taxId);
        }
    }

    public record Address(@Size(max = 200) String line1, @Size(max = 200) String line2, @Size(max = 100) String city,
            @Size(max = 32) String postalCode, @Size(max = 100) String region,
            @NotBlank @Size(max = 2) @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO-3166 alpha-2 code such as DE") String country) {

        static Address of(BillingAccount a) {
            return a.country == null
                    ? null
                    : new Address(a.addressLine1, a.addressLine2, a.city, a.postalCode, a.region, a.country);
        }
    }
}
