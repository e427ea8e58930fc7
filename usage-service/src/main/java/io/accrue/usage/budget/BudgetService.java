package io.accrue.usage.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.usage.budget.BudgetPeriods.Period;
import io.accrue.usage.budget.BudgetRequests.AlertView;
import io.accrue.usage.budget.BudgetRequests.BudgetRequest;
import io.accrue.usage.budget.BudgetRequests.BudgetView;
import io.accrue.usage.budget.BudgetRequests.PeriodStatus;
import io.accrue.usage.webhook.WebhookOutbox;
import io.accrue.usage.webhook.WebhookRequests.DeliveryView;
import io.agroal.api.AgroalDataSource;

/** Budgets of an organisation, where each stands this period, and the alerts they raised. */
@ApplicationScoped
public class BudgetService {

    static final List<Integer> DEFAULT_THRESHOLDS = List.of(50, 80, 100);

    private final BudgetRepository budgets;
    private final EntityManager em;
    private final AgroalDataSource dataSource;
    private final WebhookOutbox outbox;
    private final Clock clock;

    BudgetService(BudgetRepository budgets, EntityManager em, AgroalDataSource dataSource, WebhookOutbox outbox,
            Clock clock) {
        this.budgets = budgets;
        this.em = em;
        this.dataSource = dataSource;
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
        StringBuilder sql = new StringBuilder("""
                select id, budget_id, budget_slug, environment, end_user_id, metric, threshold, limit_value, observed,
                       currency, period_start, period_end, fired_at
                from budget_alerts where org_id = ?""");
        List<Object> args = new ArrayList<>(List.of(orgId));
        if (budget != null) {
            sql.append(" and budget_slug = ?");
            args.add(budget);
        }
        if (environment != null) {
            sql.append(" and environment = ?");
            args.add(environment);
        }
        if (beforeAt != null) {
            sql.append(" and (fired_at, id) < (?, ?)");
            args.add(Timestamp.from(beforeAt));
            args.add(beforeId);
        }
        sql.append(" order by fired_at desc, id desc limit ?");
        args.add(size + 1);
        List<AlertView> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    String metric = rs.getString(6);
                    String endUser = rs.getString(5);
                    rows.add(new AlertView(id, WebhookOutbox.eventId(id), rs.getObject(2, UUID.class),
                            rs.getString(3), rs.getString(4), endUser.isEmpty() ? null : endUser, metric,
                            rs.getInt(7), BudgetEvaluator.inUnit(metric, rs.getBigDecimal(8)),
                            BudgetEvaluator.inUnit(metric, rs.getBigDecimal(9)), rs.getString(10),
                            rs.getTimestamp(11).toInstant(), rs.getTimestamp(12).toInstant(),
                            rs.getTimestamp(13).toInstant(), List.of()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading alerts failed", e);
        }
        boolean more = rows.size() > size;
        List<AlertView> page = more ? rows.subList(0, size) : rows;
        Map<String, List<DeliveryView>> deliveries = outbox.deliveries(page.stream().map(AlertView::eventId).toList());
        List<AlertView> items = page.stream().map(a -> new AlertView(a.id(), a.eventId(), a.budgetId(), a.budget(),
                a.environment(), a.endUserId(), a.metric(), a.threshold(), a.limit(), a.observed(), a.currency(),
                a.periodStart(), a.periodEnd(), a.firedAt(), deliveries.getOrDefault(a.eventId(), List.of())))
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
        try (Connection c = dataSource.getConnection()) {
            BigDecimal observed = null, percent = null;
            if (!"each_end_user".equals(b.scope)) {
                try (PreparedStatement ps = c.prepareStatement("""
                        select coalesce(sum(case ? when 'cost' then cost when 'revenue' then revenue
                                                  else (input_tokens + output_tokens)::numeric end), 0)
                        from usage_daily where org_id = ? and environment = ? and day >= ? and day < ?
                          and (?::text is null or end_user_id = ?)""")) {
                    ps.setString(1, b.metric);
                    ps.setString(2, b.orgId);
                    ps.setString(3, b.environment);
                    ps.setObject(4, p.firstDay());
                    ps.setObject(5, p.endDay());
                    ps.setString(6, b.endUserId);
                    ps.setString(7, b.endUserId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        observed = BudgetEvaluator.inUnit(b.metric, rs.getBigDecimal(1));
                    }
                }
                percent = observed.multiply(BigDecimal.valueOf(100)).divide(b.limit(), 2, RoundingMode.HALF_UP);
            }
            List<Integer> reached = new ArrayList<>();
            long fired = 0;
            try (PreparedStatement ps = c.prepareStatement("""
                    select threshold, end_user_id from budget_alerts where budget_id = ? and period_start = ?
                    order by threshold""")) {
                ps.setObject(1, b.id);
                ps.setTimestamp(2, Timestamp.from(p.start()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        fired++;
                        if (!reached.contains(rs.getInt(1))) {
                            reached.add(rs.getInt(1));
                        }
                    }
                }
            }
            return new PeriodStatus(p.start(), p.end(), observed, percent, reached, fired);
        } catch (SQLException e) {
            throw new IllegalStateException("budget status failed", e);
        }
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
        @SuppressWarnings("unchecked")
        List<String> rated = em.createNativeQuery("select distinct currency::text from price_versions")
                .getResultList();
        if (!rated.contains(currency)) {
            throw ApiException.unprocessable("currency_not_rated", "Usage is rated in " + String.join(", ", rated)
                    + "; a budget in " + currency + " could not be compared with it (no conversion is made).");
        }
    }
}
