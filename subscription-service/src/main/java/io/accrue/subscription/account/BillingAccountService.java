package io.accrue.subscription.account;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Currency;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.subscription.account.AccountRequests.AccountView;
import io.accrue.subscription.account.AccountRequests.CreateAccount;

@ApplicationScoped
public class BillingAccountService {

    static final String DEFAULT_PLAN = "free";

    private final BillingAccountRepository accounts;
    private final Clock clock;

    BillingAccountService(BillingAccountRepository accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    @Transactional
    public AccountView create(CreateAccount request) {
        String currency = knownCurrency(request.currency());
        String zone = knownZone(request.timeZone() == null ? "UTC" : request.timeZone());
        if (accounts.findByOrg(request.orgId()).isPresent()) {
            throw ApiException.conflict("account_exists",
                    "Organisation '" + request.orgId() + "' already has a billing account.");
        }
        Instant now = clock.instant();
        BillingAccount account = new BillingAccount();
        account.id = UUID.randomUUID();
        account.orgId = request.orgId();
        account.name = request.name().strip();
        account.currency = currency;
        account.timeZone = zone;
        account.planSlug = DEFAULT_PLAN;
        account.createdAt = now;
        account.updatedAt = now;
        accounts.persistAndFlush(account);
        return AccountView.of(account);
    }

    public AccountView get(String orgId) {
        return accounts.findByOrg(orgId).map(AccountView::of)
                .orElseThrow(() -> ApiException.notFound("account_not_found",
                        "Organisation '" + orgId + "' has no billing account."));
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
