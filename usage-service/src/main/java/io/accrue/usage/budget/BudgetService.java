package io.accrue.usage.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.usage.billingevent.BillingEventOutbox;
import io.accrue.usage.billingevent.BillingEventOutbox.Publication;
import io.accrue.usage.budget.BudgetPeriods.Period;
import io.accrue.usage.budget.BudgetRequests.AlertView;
import io.accrue.usage.budget.BudgetRequests.BudgetRequest;
import io.accrue.usage.budget.BudgetRequests.BudgetView;
import io.accrue.usage.budget.BudgetRequests.PeriodStatus;
import io.accrue.usage.pricing.PriceVersionRepository;

/** Budgets of an organisation, where each stands this period, and the alerts they raised. */
@ApplicationScoped
public class BudgetService {

    static final List<Integer> DEFAULT_THRESHOLDS = List.of(50, 80, 100);

    private final BudgetRepository budgets;
    private final BudgetAlertRepository alerts;
    private final PriceVersionRepository prices;
    private final BillingEventOutbox outbox;
    private final Clock clock;

    BudgetService(BudgetRepository budgets, BudgetAlertRepository alerts, PriceVersionRepository prices,
            BillingEventOutbox outbox, Clock clock) {
        this.budgets = budgets;
        this.alerts = alerts;
        this.prices = prices;
        this.outbox = outbox;
        this.clock = clock;
    }

    public List<BudgetView> list(String orgId) {
        return budgets.ofOrg(orgId).stream().map(this::view).toList();
    }

    public BudgetView get(String orgId, String slug) {
        return view(find(orgId, slug));
    }

    /**
     * Creates or replaces the budget named by the slug. Thresholds already reached this period stay reached (an
     * alert fires once per period), so raising the limit mid-period does not fire them again.
     */
    @Transactional
    public BudgetView put(String orgId, String slug, BudgetRequest r) {
        if (!slug.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw ApiException.badRequest("invalid_slug", "A budget slug is lower-case letters, digits, - and _.");
        }
        if (r.slug() != null && !slug.equals(r.slug())) {
            throw ApiException.unprocessable("slug_mismatch", "The body's slug must equal the path's slug.");
        }
        String scope = r.scope() != null ? r.scope() : r.endUserId() != null ? "end_user" : "organisation";
        if ("end_user".equals(scope) != (r.endUserId() != null)) {
            throw ApiException.unprocessable("budget_scope_invalid",
                    "endUserId is required with scope end_user and not allowed with any other scope.");
        }
        boolean tokens = "tokens".equals(r.metric());
        if (tokens
                ? r.tokenLimit() == null || r.amount() != null || r.currency() != null
                : r.amount() == null || r.currency() == null || r.tokenLimit() != null) {
            throw ApiException.unprocessable("budget_limit_invalid", tokens
                    ? "A tokens budget takes tokenLimit (and no amount or currency)."
                    : "A " + r.metric() + " budget takes amount and currency (and no tokenLimit).");
        }
        if (!tokens) {
            requireRatedCurrency(r.currency());
        }
        List<Integer> thresholds = r.thresholds() == null
                ? DEFAULT_THRESHOLDS
                : r.thresholds().stream().sorted().toList();
        if (thresholds.stream().distinct().count() != thresholds.size()) {
            throw ApiException.unprocessable("thresholds_invalid", "Each threshold percentage may appear once.");
        }
        Instant now = clock.instant();
        Budget b = budgets.bySlug(orgId, slug).orElseGet(() -> {
            Budget n = new Budget();
            n.id = UUID.randomUUID();
            n.orgId = orgId;
            n.slug = slug;
            n.createdAt = now;
            return n;
        });
        b.name = r.name().strip();
        b.environment = r.environment() == null ? "live" : r.environment();
        b.scope = scope;
        b.endUserId = r.endUserId();
        b.metric = r.metric();
        b.amount = tokens ? null : r.amount().setScale(12, RoundingMode.UNNECESSARY);
        b.currency = tokens ? null : r.currency();
        b.tokenLimit = tokens ? r.tokenLimit() : null;
        b.thresholds = thresholds.toArray(Integer[]::new);
        b.updatedAt = now;
        budgets.persistAndFlush(b);
        return view(b);
    }

    @Transactional
    public void delete(String orgId, String slug) {
        budgets.delete(find(orgId, slug));
    }

    /** Alerts newest first, optionally of one budget or environment. */
    public CursorPage<AlertView> alerts(String orgId, String budget, String environment, String cursor,
            Integer limit) {
        int size = Cursors.limit(limit);
        Instant beforeAt = null;
        UUID beforeId = null;
        if (cursor != null) {
            List<String> key = Cursors.decode(cursor, 2);
            try {
                beforeAt = Instant.parse(key.get(0));
                beforeId = UUID.fromString(key.get(1));
            } catch (RuntimeException e) {
                throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
            }
        }
        List<AlertView> rows = alerts.page(orgId, budget, environment, beforeAt, beforeId, size + 1);
        boolean more = rows.size() > size;
        List<AlertView> page = more ? rows.subList(0, size) : rows;
        Map<String, Publication> published = outbox.publications(page.stream().map(AlertView::eventId).toList());
        List<AlertView> items = page.stream().map(a -> new AlertView(a.id(), a.eventId(), a.budgetId(), a.budget(),
                a.environment(), a.endUserId(), a.metric(), a.threshold(), a.limit(), a.observed(), a.currency(),
                a.periodStart(), a.periodEnd(), a.firedAt(), published.get(a.eventId())))
                .toList();
        AlertView last = more ? page.get(page.size() - 1) : null;
        return new CursorPage<>(items,
                last == null ? null : Cursors.encode(last.firedAt().toString(), last.id().toString()), more);
    }

    private BudgetView view(Budget b) {
        return new BudgetView(b.id, b.slug, b.name, b.environment, b.scope, b.endUserId, b.metric, b.amount,
                b.currency, b.tokenLimit, Arrays.asList(b.thresholds), b.createdAt, b.updatedAt, status(b));
    }

    /** Month to date from the rollups (what the evaluator will see on its next round), and what has fired. */
    private PeriodStatus status(Budget b) {
        Period p = BudgetPeriods.containing(clock.instant());
        BigDecimal observed = null, percent = null;
        if (!"each_end_user".equals(b.scope)) {
            observed = alerts.observed(b, p);
            percent = observed.multiply(BigDecimal.valueOf(100)).divide(b.limit(), 2, RoundingMode.HALF_UP);
        }
        BudgetAlertRepository.Fired fired = alerts.fired(b.id, p.start());
        return new PeriodStatus(p.start(), p.end(), observed, percent, fired.reached(), fired.count());
    }

    private Budget find(String orgId, String slug) {
        return budgets.bySlug(orgId, slug).orElseThrow(() -> ApiException.notFound("budget_not_found",
                "No budget '" + slug + "' in this organisation."));
    }

    /**
     * Usage is rated in the catalog's currency and the rollups sum it without conversion, so a money budget is only
     * comparable in a currency the catalog prices in.
     */
    private void requireRatedCurrency(String currency) {
        try {
            Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("unknown_currency", "'" + currency + "' is not an ISO-4217 currency.");
        }
        List<String> rated = prices.ratedCurrencies();
        if (!rated.contains(currency)) {
            throw ApiException.unprocessable("currency_not_rated", "Usage is rated in " + String.join(", ", rated)
                    + "; a budget in " + currency + " could not be compared with it (no conversion is made).");
        }
    }
}
