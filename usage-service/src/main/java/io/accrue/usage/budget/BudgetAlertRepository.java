package io.accrue.usage.budget;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.usage.billingevent.BillingEventOutbox;
import io.accrue.usage.budget.BudgetPeriods.Period;
import io.accrue.usage.budget.BudgetRequests.AlertView;
import io.agroal.api.AgroalDataSource;

/**
 * What a budget's views read beside the budget itself: its alerts ({@code budget_alerts}, written by
 * {@link BudgetEvaluator} in plain JDBC) and the month-to-date rollup sums. Plain JDBC like the evaluator, so the
 * two read the same columns the same way.
 */
@ApplicationScoped
public class BudgetAlertRepository {

    /** The thresholds a budget reached in a period (distinct, ascending) and how many alerts it fired. */
    public record Fired(List<Integer> reached, long count) {}

    private final AgroalDataSource dataSource;

    BudgetAlertRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Alerts newest first, after the keyset (firedAt, id) when given, at most {@code limit}; no publication yet. */
    public List<AlertView> page(String orgId, String budget, String environment, Instant beforeAt, UUID beforeId,
            int limit) {
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
        args.add(limit);
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
                    rows.add(new AlertView(id, BillingEventOutbox.eventId(id), rs.getObject(2, UUID.class),
                            rs.getString(3), rs.getString(4), endUser.isEmpty() ? null : endUser, metric,
                            rs.getInt(7), BudgetEvaluator.inUnit(metric, rs.getBigDecimal(8)),
                            BudgetEvaluator.inUnit(metric, rs.getBigDecimal(9)), rs.getString(10),
                            rs.getTimestamp(11).toInstant(), rs.getTimestamp(12).toInstant(),
                            rs.getTimestamp(13).toInstant(), null));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading alerts failed", e);
        }
        return rows;
    }

    /** Month to date from the rollups (what the evaluator will see on its next round), in the budget's unit. */
    public BigDecimal observed(Budget b, Period p) {
        try (Connection c = dataSource.getConnection()) {
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
                    return BudgetEvaluator.inUnit(b.metric, rs.getBigDecimal(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("budget status failed", e);
        }
    }

    /** What the budget fired in the period starting at {@code periodStart}. */
    public Fired fired(UUID budgetId, Instant periodStart) {
        try (Connection c = dataSource.getConnection()) {
            List<Integer> reached = new ArrayList<>();
            long fired = 0;
            try (PreparedStatement ps = c.prepareStatement("""
                    select threshold, end_user_id from budget_alerts where budget_id = ? and period_start = ?
                    order by threshold""")) {
                ps.setObject(1, budgetId);
                ps.setTimestamp(2, Timestamp.from(periodStart));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        fired++;
                        if (!reached.contains(rs.getInt(1))) {
                            reached.add(rs.getInt(1));
                        }
                    }
                }
            }
            return new Fired(reached, fired);
        } catch (SQLException e) {
            throw new IllegalStateException("budget status failed", e);
        }
    }
}
