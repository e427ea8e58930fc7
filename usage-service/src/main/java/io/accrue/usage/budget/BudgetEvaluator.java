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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.usage.billingevent.BillingEventOutbox;
import io.accrue.usage.budget.BudgetPeriods.Period;
import io.accrue.usage.config.UsageConfig;
import io.agroal.api.AgroalDataSource;

/**
 * Compares the daily rollups of each open period with every budget and records each threshold reached as an
 * alert, with its {@code usage.threshold_reached} billing event (queued for subscription-service's webhook delivery
 * system, {@link BillingEventOutbox}), in one transaction. Runs beside ingestion, never inside it: alerts lag usage
 * by at most one evaluation interval. Safe on every replica at once: {@code budget_alerts}' unique key (budget,
 * period, threshold, end user) lets exactly one insert win ({@code ON CONFLICT DO NOTHING}); the loser's insert
 * returns nothing, so it queues no event either. The event id is {@code evt_} + the alert's id: one per (budget,
 * period, threshold, end user), so no re-evaluation can publish a threshold twice.
 */
@ApplicationScoped
public class BudgetEvaluator {

    private static final String FIRE = """
            with observed as (
                select b.id as budget_id,
                       case b.scope when 'each_end_user' then d.end_user_id
                                    when 'end_user' then b.end_user_id else '' end as end_user_id,
                       sum(case b.metric when 'cost' then d.cost when 'revenue' then d.revenue
                               else (d.input_tokens + d.output_tokens)::numeric end) as observed
                from budgets b
                join usage_daily d on d.org_id = b.org_id and d.environment = b.environment
                     and d.day >= ? and d.day < ?
                     and (b.scope <> 'end_user' or d.end_user_id = b.end_user_id)
                group by 1, 2
            )
            insert into budget_alerts (id, budget_id, org_id, environment, budget_slug, end_user_id, metric, threshold,
                period_start, period_end, limit_value, observed, currency, fired_at)
            select gen_random_uuid(), b.id, b.org_id, b.environment, b.slug, o.end_user_id, b.metric, t.threshold,
                   ?, ?, coalesce(b.amount, b.token_limit::numeric), o.observed, b.currency, ?
            from observed o
            join budgets b on b.id = o.budget_id
            cross join lateral unnest(b.thresholds) as t(threshold)
            where o.observed * 100 >= coalesce(b.amount, b.token_limit::numeric) * t.threshold
            -- one insertion order on every replica, so two concurrent rounds wait on each other, never deadlock
            order by b.id, o.end_user_id, t.threshold
            on conflict (budget_id, period_start, threshold, end_user_id) do nothing
            returning id, budget_id, org_id, environment, budget_slug, end_user_id, metric, threshold, limit_value,
                      observed, currency""";

    private final AgroalDataSource dataSource;
    private final BillingEventOutbox events;
    private final UsageConfig config;
    private final Clock clock;

    BudgetEvaluator(AgroalDataSource dataSource, BillingEventOutbox events, UsageConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    public record RoundResult(Instant at, List<Instant> periods, int alertsFired, int eventsQueued) {}

    private record Fired(UUID id, UUID budgetId, String orgId, String environment, String slug, String endUserId,
            String metric, int threshold, BigDecimal limit, BigDecimal observed, String currency) {}

    /** One evaluation round over every budget; idempotent. */
    @Transactional
    public RoundResult evaluate() {
        Instant now = clock.instant();
        int fired = 0, queued = 0;
        List<Instant> periods = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (Period p : BudgetPeriods.open(now, config.ingest().lateWindow())) {
                periods.add(p.start());
                for (Fired f : fire(c, p, now)) {
                    fired++;
                    // the outbox writes on this transaction's connection: the alert and its event commit together
                    if (events.record(BillingEventOutbox.eventId(f.id()), f.orgId(),
                            BillingEventOutbox.USAGE_THRESHOLD_REACHED, now, data(f, p))) {
                        queued++;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("budget evaluation failed", e);
        }
        return new RoundResult(now, periods, fired, queued);
    }

    private static List<Fired> fire(Connection c, Period p, Instant now) throws SQLException {
        List<Fired> fired = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(FIRE)) {
            ps.setObject(1, p.firstDay());
            ps.setObject(2, p.endDay());
            ps.setTimestamp(3, Timestamp.from(p.start()));
            ps.setTimestamp(4, Timestamp.from(p.end()));
            ps.setTimestamp(5, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String metric = rs.getString(7);
                    fired.add(new Fired(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), metric, rs.getInt(8),
                            inUnit(metric, rs.getBigDecimal(9)), inUnit(metric, rs.getBigDecimal(10)),
                            rs.getString(11)));
                }
            }
        }
        return fired;
    }

    /** Tokens are whole numbers; money keeps the service's 12 decimal places. */
    static BigDecimal inUnit(String metric, BigDecimal value) {
        return "tokens".equals(metric)
                ? value.setScale(0, RoundingMode.UNNECESSARY)
                : value.setScale(12, RoundingMode.UNNECESSARY);
    }

    /** The event's data (docs/webhooks.md): money and tokens as strings, so no receiver rounds them. */
    private static Map<String, Object> data(Fired f, Period p) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("orgId", f.orgId());
        data.put("environment", f.environment());
        data.put("alertId", f.id().toString());
        data.put("budgetId", f.budgetId().toString());
        data.put("budget", f.slug());
        data.put("endUserId", f.endUserId().isEmpty() ? null : f.endUserId());
        data.put("metric", f.metric());
        data.put("threshold", f.threshold());
        data.put("limit", f.limit().toPlainString());
        data.put("observed", f.observed().toPlainString());
        data.put("currency", f.currency());
        data.put("periodStart", p.start().toString());
        data.put("periodEnd", p.end().toString());
        return data;
    }
}
