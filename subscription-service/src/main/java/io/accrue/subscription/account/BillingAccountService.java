package io.accrue.subscription.account;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.subscription.account.AccountRequests.AccountView;
import io.accrue.subscription.account.AccountRequests.CreateAccount;
import io.accrue.subscription.audit.AuditTrail;
import io.accrue.subscription.lifecycle.AccountTerms;
import io.accrue.subscription.lifecycle.SubscriptionService;
import io.accrue.subscription.stripe.StripeGateway;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class BillingAccountService {

    private final BillingAccountRepository accounts;
    private final SubscriptionService subscriptions;
    private final StripeGateway stripe;
    private final Clock clock;
    private final AuditTrail audit;

    BillingAccountService(BillingAccountRepository accounts, SubscriptionService subscriptions, StripeGateway stripe,
            Clock clock, AuditTrail audit) {
        this.audit = audit;
        this.accounts = accounts;
        this.subscriptions = subscriptions;
        this.stripe = stripe;
        this.clock = clock;
    }

    @Transactional
    public AccountView create(CreateAccount request, String actor) {
        String currency = knownCurrency(request.currency());
        String zone = knownZone(request.timeZone() == null ? "UTC" : request.timeZone());
        var existing = accounts.findByOrg(request.orgId());
        if (existing.isPresent()) {
            BillingAccount a = existing.get();
            // a retry of the same provisioning is answered with what it made; a different one is a conflict
            if (a.provisionedCurrency.equals(currency) && a.timeZone.equals(zone)
                    && a.name.equals(request.name().strip())) {
                return view(a);
            }
            throw ApiException.conflict("account_exists",
                    "Organisation '" + request.orgId() + "' already has a billing account.");
        }
        Instant now = clock.instant();
        BillingAccount account = new BillingAccount();
        account.id = UUID.randomUUID();
        account.orgId = request.orgId();
        account.name = request.name().strip();
        account.provisionedCurrency = currency;
        account.timeZone = zone;
        account.createdAt = now;
        account.updatedAt = now;
        accounts.persistAndFlush(account);
        subscriptions.start(account, actor);
        return view(account);
    }

    /**
     * Creates the Stripe customer once. Called outside the provisioning transaction so no row lock is held over
     * the network; a failure leaves the account without a customer and the provisioning retry fills it in (the
     * idempotency key is derived from the organisation, so Stripe never makes two).
     */
    public AccountView ensureCustomer(String orgId) {
        AccountView account = get(orgId);
        if (account.stripeCustomerId() != null) {
            return account;
        }
        String customer = stripe.createCustomer(orgId, account.name(), account.currency());
        return storeCustomer(orgId, customer);
    }

    @Transactional
    AccountView storeCustomer(String orgId, String customerId) {
        BillingAccount a = accounts.findByOrg(orgId).orElseThrow();
        if (a.stripeCustomerId == null) {
            a.stripeCustomerId = customerId;
            a.updatedAt = clock.instant();
        }
        return view(a);
    }

    /** Keyset page ordered by organisation id. */
    public CursorPage<AccountView> list(String cursor, Integer limit) {
        int size = Cursors.limit(limit);
        String after = cursor == null ? "" : Cursors.decode(cursor, 1).get(0);
        List<BillingAccount> rows = accounts.find("orgId > ?1", Sort.ascending("orgId"), after).page(0, size + 1)
                .list();
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            next = Cursors.encode(rows.get(size - 1).orgId);
        }
        Map<String, AccountTerms> terms = subscriptions.terms(rows.stream().map(a -> a.orgId).toList());
        return CursorPage.of(rows.stream().map(a -> AccountView.of(a, terms.get(a.orgId))).toList(), next);
    }

    /** Feature flags; {@code metered_enabled} is the platform operator's decision alone (resource-gated). */
    @Transactional
    public AccountView setMeteredEnabled(String orgId, boolean enabled) {
        BillingAccount account = accounts.findByOrg(orgId).orElseThrow(() -> ApiException.notFound(
                "account_not_found", "Organisation '" + orgId + "' has no billing account."));
        account.meteredEnabled = enabled;
        account.updatedAt = clock.instant();
        return view(account);
    }

    /** Replaces the bill-to details (all fields; absent ones are cleared), audited with before and after. */
    @Transactional
    public AccountView setBillingDetails(String orgId, AccountRequests.BillingDetails details, String actor) {
        BillingAccount account = accounts.findByOrg(orgId).orElseThrow(() -> ApiException.notFound(
                "account_not_found", "Organisation '" + orgId + "' has no billing account."));
        AccountRequests.BillingDetails before = AccountRequests.BillingDetails.of(account);
        AccountRequests.Address address = details.address();
        account.legalName = trimmed(details.legalName());
        account.taxId = trimmed(details.taxId());
        account.addressLine1 = address == null ? null : trimmed(address.line1());
        account.addressLine2 = address == null ? null : trimmed(address.line2());
        account.city = address == null ? null : trimmed(address.city());
        account.postalCode = address == null ? null : trimmed(address.postalCode());
        account.region = address == null ? null : trimmed(address.region());
        account.country = address == null ? null : address.country();
        account.updatedAt = clock.instant();
        AccountView view = AccountView.of(account, subscriptions.terms(List.of(orgId)).get(orgId));
        audit.record(orgId, actor, "account.billing_details_changed", "account:" + orgId, before,
                view.billingDetails());
        return view;
    }

    /** Stores (or with null removes) the organisation's Stripe Connect account, audited with before and after. */
    @Transactional
    public AccountView setStripeConnect(String orgId, String accountId, String actor) {
        BillingAccount account = accounts.findByOrg(orgId).orElseThrow(() -> ApiException.notFound(
                "account_not_found", "Organisation '" + orgId + "' has no billing account."));
        String before = account.stripeConnectAccountId;
        account.stripeConnectAccountId = accountId;
        account.updatedAt = clock.instant();
        AccountView view = AccountView.of(account, subscriptions.terms(List.of(orgId)).get(orgId));
        audit.record(orgId, actor, "account.stripe_connect_changed", "account:" + orgId,
                java.util.Collections.singletonMap("stripeConnectAccountId", before),
                java.util.Collections.singletonMap("stripeConnectAccountId", accountId));
        return view;
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The organisation's Stripe customer, which every Stripe call on its behalf needs. */
    public String stripeCustomer(String orgId) {
        String customer = get(orgId).stripeCustomerId();
        if (customer == null) {
            throw ApiException.conflict("customer_missing",
                    "The organisation has no Stripe customer yet; repeat the provisioning to create it.");
        }
        return customer;
    }

    public boolean exists(String orgId) {
        return accounts.findByOrg(orgId).isPresent();
    }

    public AccountView get(String orgId) {
        return accounts.findByOrg(orgId).map(this::view)
                .orElseThrow(() -> ApiException.notFound("account_not_found",
                        "Organisation '" + orgId + "' has no billing account."));
    }

    private AccountView view(BillingAccount a) {
        return AccountView.of(a, subscriptions.terms(List.of(a.orgId)).get(a.orgId));
    }

    private static String knownCurrency(String code) {
        try {
            return Currency.getInstance(code).getCurrencyCode();
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("unknown_currency", "'" + code + "' is not an ISO-4217 currency.");
        }
    }

    private static String knownZone(String zone) {
        try {
            return ZoneId.of(zone).getId();
        } catch (DateTimeException e) {
            throw ApiException.unprocessable("unknown_time_zone", "'" + zone + "' is not a time zone id.");
        }
    }
}
