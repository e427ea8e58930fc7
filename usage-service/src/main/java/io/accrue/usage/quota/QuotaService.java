package io.accrue.usage.quota;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.usage.client.AccountStatusCache;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.ingest.ReservationCounters;
import io.accrue.usage.pricing.PriceCatalog;
import io.accrue.usage.pricing.PriceSheet;
import io.accrue.usage.pricing.Prices;
import io.accrue.usage.pricing.ServiceTier;
import io.accrue.usage.pricing.TokenDimension;
import io.accrue.usage.quota.QuotaRequests.Limits;
import io.accrue.usage.quota.QuotaRequests.QuotaAnswer;
import io.accrue.usage.quota.QuotaRequests.Remaining;
import io.accrue.usage.quota.QuotaRequests.ReservationView;
import io.accrue.usage.quota.QuotaRequests.ReserveRequest;
import io.agroal.api.AgroalDataSource;

/**
 * Quota checks and reservations. No state lives in the JVM: the counters are rows, and a reservation is admitted
 * by one conditional UPDATE of the end user's day and month rows, so two replicas on one database cannot both
 * take the last tokens (the second waits for the first's row lock, then re-evaluates the condition).
 */
@ApplicationScoped
public class QuotaService {

    private final AgroalDataSource dataSource;
    private final AccountStatusCache accounts;
    private final PriceCatalog catalog;
    private final UsageConfig config;
    private final Clock clock;

    QuotaService(AgroalDataSource dataSource, AccountStatusCache accounts, PriceCatalog catalog, UsageConfig config,
            Clock clock) {
        this.dataSource = dataSource;
        this.accounts = accounts;
        this.catalog = catalog;
        this.config = config;
        this.clock = clock;
    }

    record Plan(String slug, String enforcement, Long dailyTokens, Long monthlyTokens, Long dailyRequests,
            BigDecimal monthlyCost, Integer perMinute, String[] allowedModels, boolean blocked) {
        Limits limits() {
            return new Limits(dailyTokens, monthlyTokens, dailyRequests, monthlyCost, perMinute);
        }
    }

    record Windows(Instant day, Instant month, Instant minute) {
        static Windows at(Instant now) {
            var utc = now.atZone(ZoneOffset.UTC);
            return new Windows(now.truncatedTo(ChronoUnit.DAYS),
                    utc.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.firstDayOfMonth()).toInstant(),
                    now.truncatedTo(ChronoUnit.MINUTES));
        }

        Instant reset(String window) {
            return switch (window) {
                case "minute" -> minute.plus(1, ChronoUnit.MINUTES);
                case "day" -> day.plus(1, ChronoUnit.DAYS);
                default -> month.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
            };
        }
    }

    /** used + reserved per window: [tokens, requests], cost. */
    record Usage(long dayTokens, long dayRequests, long monthTokens, BigDecimal monthCost, long minuteRequests) {}

    /** Read-only on the hot path (autocommit, no JTA transaction); only an alert-only breach writes a row. */
    public QuotaAnswer check(String org, String env, String endUser, String model, long estimatedTokens) {
        Instant now = clock.instant();
        Windows w = Windows.at(now);
        try (Connection c = dataSource.getConnection()) {
            String modelFlag = modelRefusal(model, now, estimatedTokens);
            PlanAndUsage pu = planAndUsage(c, org, env, endUser, w);
            Plan plan = pu.plan();
            String suspended = suspension(org);
            if (suspended == null) {
                suspended = modelFlag;
            }
            if ("account_suspended".equals(suspended)) {
                throw ApiException.forbidden("account_suspended",
                        "The organisation's account is suspended; usage is blocked until it is paid.");
            }
            if (plan == null) {
                return new QuotaAnswer(true, suspended != null, suspended, endUser, null, null, null, null, null);
            }
            Usage u = pu.usage();
            Remaining remaining = remaining(plan, u);
            String canonical = model == null
                    ? null
                    : catalog.resolve(model).map(PriceCatalog.ResolvedModel::modelId).orElse(model);
            String[] breach = breach(plan, u, canonical, estimatedTokens);
            if (breach == null) {
                return new QuotaAnswer(true, suspended != null, suspended, endUser, plan.slug(), plan.enforcement(),
                        plan.limits(), remaining, null);
            }
            return refuseOrFlag(c, org, env, endUser, plan, remaining, breach, w, now);
        } catch (SQLException e) {
            throw new IllegalStateException("quota check failed", e);
        }
    }

    @Transactional
    public ReservationView reserve(String org, String env, ReserveRequest r) {
        Instant now = clock.instant();
        Windows w = Windows.at(now);
        BigDecimal cost = r.estimatedCost() == null ? BigDecimal.ZERO : r.estimatedCost();
        modelRefusal(r.model(), now, r.estimatedTokens());
        try (Connection c = dataSource.getConnection()) {
            ensureEndUser(c, org, r.endUserId(), now);
            Plan plan = plan(c, org, r.endUserId());
            String suspended = suspension(org);
            if ("account_suspended".equals(suspended)) {
                throw ApiException.forbidden(suspended, "The organisation's account is suspended; usage is blocked.");
            }
            if (plan != null && plan.blocked()) {
                throw ApiException.forbidden("end_user_blocked", "End user '" + r.endUserId() + "' is blocked.");
            }
            ensureCounters(c, org, env, r.endUserId(), w);
            boolean block = plan != null && "block".equals(plan.enforcement());
            int updated;
            try (PreparedStatement ps = c.prepareStatement(
                    """
                            update quota_counters set reserved_tokens = reserved_tokens + ?, reserved_requests = reserved_requests + 1,
                                reserved_cost = reserved_cost + ?
                            where org_id = ? and environment = ? and end_user_id = ?
                              and ((window_kind = 'day' and window_start = ?
                                    and (?::bigint is null or used_tokens + reserved_tokens + ? <= ?::bigint)
                                    and (?::bigint is null or used_requests + reserved_requests + 1 <= ?::bigint))
                                or (window_kind = 'month' and window_start = ?
                                    and (?::bigint is null or used_tokens + reserved_tokens + ? <= ?::bigint)
                                    and (?::numeric is null or used_cost + reserved_cost + ? <= ?::numeric)))""")) {
                Long dt = block ? plan.dailyTokens() : null, dr = block ? plan.dailyRequests() : null,
                        mt = block ? plan.monthlyTokens() : null;
                BigDecimal mc = block ? plan.monthlyCost() : null;
                int p = 1;
                ps.setLong(p++, r.estimatedTokens());
                ps.setBigDecimal(p++, cost);
                ps.setString(p++, org);
                ps.setString(p++, env);
                ps.setString(p++, r.endUserId());
                ps.setTimestamp(p++, Timestamp.from(w.day()));
                ps.setObject(p++, dt, java.sql.Types.BIGINT);
                ps.setLong(p++, r.estimatedTokens());
                ps.setObject(p++, dt, java.sql.Types.BIGINT);
                ps.setObject(p++, dr, java.sql.Types.BIGINT);
                ps.setObject(p++, dr, java.sql.Types.BIGINT);
                ps.setTimestamp(p++, Timestamp.from(w.month()));
                ps.setObject(p++, mt, java.sql.Types.BIGINT);
                ps.setLong(p++, r.estimatedTokens());
                ps.setObject(p++, mt, java.sql.Types.BIGINT);
                ps.setObject(p++, mc, java.sql.Types.NUMERIC);
                ps.setBigDecimal(p++, cost);
                ps.setObject(p++, mc, java.sql.Types.NUMERIC);
                updated = ps.executeUpdate();
            }
            if (updated != 2) {
                // One window had no room: the transaction rolls back, so the other window's hold goes too.
                Usage u = usage(c, org, env, r.endUserId(), w);
                String[] breach = breach(plan, u, r.model(), r.estimatedTokens());
                String window = breach == null ? "day" : breach[1];
                throw new QuotaExceededException("reservation", "Reserving " + r.estimatedTokens()
                        + " tokens would exceed the plan's " + (breach == null ? "limit" : breach[0]) + ".",
                        secondsUntil(now, w.reset(window)), Map.of("reason", breach == null ? "limit" : breach[0],
                                "limits", plan.limits(), "remaining", remaining(plan, u)));
            }
            UUID id = UUID.randomUUID();
            int ttl = r.ttlSeconds() == null ? (int) config.quota().reservationTtl().toSeconds() : r.ttlSeconds();
            Instant expires = now.plusSeconds(ttl);
            try (PreparedStatement ps = c.prepareStatement(
                    """
                            insert into reservations (id, org_id, environment, end_user_id, tokens, cost, day_start, month_start,
                                status, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)""")) {
                ps.setObject(1, id);
                ps.setString(2, org);
                ps.setString(3, env);
                ps.setString(4, r.endUserId());
                ps.setLong(5, r.estimatedTokens());
                ps.setBigDecimal(6, cost);
                ps.setTimestamp(7, Timestamp.from(w.day()));
                ps.setTimestamp(8, Timestamp.from(w.month()));
                ps.setTimestamp(9, Timestamp.from(now));
                ps.setTimestamp(10, Timestamp.from(expires));
                ps.executeUpdate();
            }
            return new ReservationView(id, r.endUserId(), r.estimatedTokens(), cost, "open", expires);
        } catch (SQLException e) {
            throw new IllegalStateException("reservation failed", e);
        }
    }

    /**
     * Ingestion's answer for the model, given before the call is made: a model it would refuse is refused here with
     * the same code ({@code unknown_model}, {@code no_price_in_effect}); with {@code unknown-model=flag} the answer
     * is the code to flag the check with (ingestion would accept the event unpriced). Null: the model is priced.
     * Estimated tokens for a model whose price in effect prices no tokens at all (a per-image, per-second or
     * per-character model) would be refused {@code dimension_not_priced} by ingestion, so they are here too; a
     * check does not name the units or token kinds a call will use, so those are judged at ingestion only.
     */
    private String modelRefusal(String model, Instant now, long estimatedTokens) {
        if (model == null) {
            return null;
        }
        var resolved = catalog.resolve(model);
        // as ingestion rates (IngestService): the version in effect; where it leaves the call unpriced, a version
        // added for unpriced usage if that one prices it; with no version in effect, no price at all
        String code;
        if (resolved.isEmpty()) {
            code = "unknown_model";
        } else {
            Optional<Prices> inEffect = resolved.get().at(now);
            Optional<Prices> forUnpriced = resolved.get().forUnpricedAt(now);
            boolean rescued = forUnpriced.filter(p -> estimatedTokens == 0 || pricesTokens(p)).isPresent();
            if (inEffect.isEmpty()) {
                code = rescued ? null : "no_price_in_effect";
            } else {
                code = estimatedTokens > 0 && !pricesTokens(inEffect.get()) && !rescued ? "dimension_not_priced" : null;
            }
        }
        if (code == null || "flag".equalsIgnoreCase(config.ingest().unknownModel())) {
            return code;
        }
        throw ApiException.unprocessable(code, switch (code) {
            case "unknown_model" -> "Model '" + model + "' is not in the pricing catalog; its usage would be refused.";
            case "no_price_in_effect" ->
                "Model '" + model + "' has no price in effect now; its usage would be refused.";
            default -> "Model '" + model + "' prices no tokens (only units); token usage of it would be refused.";
        });
    }

    /** Whether a version prices input or output tokens (either is the fallback of every other token kind). */
    private static boolean pricesTokens(Prices p) {
        return PriceSheet.tokenPrice(p, TokenDimension.INPUT, ServiceTier.STANDARD, 0) != null
                || PriceSheet.tokenPrice(p, TokenDimension.OUTPUT, ServiceTier.STANDARD, 0) != null;
    }

    /** Releases a reservation the caller no longer needs (the model call failed or was cancelled). */
    @Transactional
    public ReservationView release(String org, String env, UUID id) {
        try (Connection c = dataSource.getConnection()) {
            ReservationView v = close(c, "status = 'open' and id = ? and org_id = ? and environment = ?", "released",
                    ps -> {
                        ps.setObject(2, id);
                        ps.setString(3, org);
                        ps.setString(4, env);
                    });
            if (v == null) {
                throw ApiException.notFound("reservation_not_found", "No open reservation " + id + ".");
            }
            return v;
        } catch (SQLException e) {
            throw new IllegalStateException("release failed", e);
        }
    }

    /** Expires overdue reservations; safe on every replica at once (SKIP LOCKED). Returns how many. */
    @Transactional
    public int expireOverdue(int max) {
        int n = 0;
        try (Connection c = dataSource.getConnection()) {
            while (n < max && close(c, "id = (select id from reservations where status = 'open' and expires_at <= ?"
                    + " order by expires_at limit 1 for update skip locked)", "expired",
                    ps -> ps.setTimestamp(2, Timestamp.from(clock.instant()))) != null) {
                n++;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("expiry failed", e);
        }
        return n;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private ReservationView close(Connection c, String where, String status, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update reservations set status = ?, settled_at = now() where "
                + where
                + " returning id, org_id, environment, end_user_id, tokens, cost, day_start, month_start, expires_at")) {
            ps.setString(1, status);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ReservationCounters.release(c, rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getBigDecimal(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant());
                return new ReservationView(rs.getObject(1, UUID.class), rs.getString(4), rs.getLong(5),
                        rs.getBigDecimal(6), status, rs.getTimestamp(9).toInstant());
            }
        }
    }

    private QuotaAnswer refuseOrFlag(Connection c, String org, String env, String endUser, Plan plan,
            Remaining remaining, String[] breach, Windows w, Instant now) throws SQLException {
        if ("alert".equals(plan.enforcement()) && !"end_user_blocked".equals(breach[0])) {
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into quota_alerts (id, org_id, environment, end_user_id, reason, created_at)
                    values (?, ?, ?, ?, ?, ?)""")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, org);
                ps.setString(3, env);
                ps.setString(4, endUser);
                ps.setString(5, breach[0]);
                ps.setTimestamp(6, Timestamp.from(now));
                ps.executeUpdate();
            }
            return new QuotaAnswer(true, true, breach[0], endUser, plan.slug(), plan.enforcement(), plan.limits(),
                    remaining, null);
        }
        if ("end_user_blocked".equals(breach[0]) || "model_not_allowed".equals(breach[0])) {
            throw new ApiException(403, breach[0], "Forbidden", breach[2], Map.of("endUserId", endUser));
        }
        Instant reset = w.reset(breach[1]);
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("reason", breach[0]);
        ext.put("endUserId", endUser);
        ext.put("plan", plan.slug());
        ext.put("limits", plan.limits());
        ext.put("remaining", remaining);
        ext.put("resetsAt", reset.toString());
        throw new QuotaExceededException(breach[0], breach[2], secondsUntil(now, reset), ext);
    }

    /** The first limit the call would break: [reason, window, detail], or null. */
    static String[] breach(Plan p, Usage u, String model, long estimatedTokens) {
        if (p == null) {
            return null;
        }
        if (p.blocked()) {
            return new String[]{"end_user_blocked", "day", "The end user is blocked."};
        }
        if (model != null && p.allowedModels().length > 0 && Arrays.stream(p.allowedModels())
                .noneMatch(m -> m.equalsIgnoreCase(model))) {
            return new String[]{"model_not_allowed", "day",
                    "Model '" + model + "' is not allowed on plan '" + p.slug() + "'."};
        }
        if (p.perMinute() != null && u.minuteRequests() + 1 > p.perMinute()) {
            return new String[]{"burst_limit", "minute", "More than " + p.perMinute() + " requests in this minute."};
        }
        if (p.dailyRequests() != null && u.dayRequests() + 1 > p.dailyRequests()) {
            return new String[]{"daily_request_limit", "day", "The daily request limit is reached."};
        }
        if (p.dailyTokens() != null && u.dayTokens() + Math.max(estimatedTokens, 1) > p.dailyTokens()) {
            return new String[]{"daily_token_limit", "day", "The daily token limit is reached."};
        }
        if (p.monthlyTokens() != null && u.monthTokens() + Math.max(estimatedTokens, 1) > p.monthlyTokens()) {
            return new String[]{"monthly_token_limit", "month", "The monthly token limit is reached."};
        }
        if (p.monthlyCost() != null && u.monthCost().compareTo(p.monthlyCost()) >= 0) {
            return new String[]{"monthly_cost_cap", "month", "The monthly cost cap is reached."};
        }
        return null;
    }

    private static Remaining remaining(Plan p, Usage u) {
        return new Remaining(p.dailyTokens() == null ? null : Math.max(0, p.dailyTokens() - u.dayTokens()),
                p.monthlyTokens() == null ? null : Math.max(0, p.monthlyTokens() - u.monthTokens()),
                p.dailyRequests() == null ? null : Math.max(0, p.dailyRequests() - u.dayRequests()),
                p.monthlyCost() == null ? null : p.monthlyCost().subtract(u.monthCost()).max(BigDecimal.ZERO),
                p.perMinute() == null ? null : Math.max(0, p.perMinute() - u.minuteRequests()));
    }

    private String suspension(String org) {
        String s = accounts.status(org).status();
        return switch (s) {
            case "suspended", "canceled" -> "account_suspended";
            case "unknown" -> "account_status_unknown";
            default -> null;
        };
    }

    record PlanAndUsage(Plan plan, Usage usage) {}

    /**
     * The check's one round trip: the end user's plan (their own, else the organisation's default), their blocked
     * flag, and used + reserved in the current day, month and minute windows, all from one snapshot. The same
     * answers as {@link #plan} and {@link #usage} together.
     */
    private static PlanAndUsage planAndUsage(Connection c, String org, String env, String endUser, Windows w)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                """
                        select p.slug, p.enforcement, p.daily_token_limit, p.monthly_token_limit, p.daily_request_limit,
                               p.monthly_cost_cap, p.burst_per_minute, p.allowed_models, coalesce(u.blocked, false),
                               q.day_tokens, q.day_requests, q.month_tokens, q.month_cost, q.minute_requests
                        from (select ?::text as org, ?::text as usr) k
                        left join end_users u on u.org_id = k.org and u.end_user_id = k.usr
                        left join rate_plans p on p.org_id = k.org
                             and (p.id = u.rate_plan_id or (u.rate_plan_id is null and p.is_default))
                        cross join lateral (
                            select coalesce(max(used_tokens + reserved_tokens) filter (where window_kind = 'day'), 0) day_tokens,
                                   coalesce(max(used_requests + reserved_requests) filter (where window_kind = 'day'), 0)
                                       day_requests,
                                   coalesce(max(used_tokens + reserved_tokens) filter (where window_kind = 'month'), 0)
                                       month_tokens,
                                   coalesce(max(used_cost + reserved_cost) filter (where window_kind = 'month'), 0) month_cost,
                                   coalesce(max(used_requests + reserved_requests) filter (where window_kind = 'minute'), 0)
                                       minute_requests
                            from quota_counters q
                            where q.org_id = k.org and q.environment = ? and q.end_user_id = k.usr
                              and ((q.window_kind = 'day' and q.window_start = ?) or (q.window_kind = 'month' and q.window_start = ?)
                                or (q.window_kind = 'minute' and q.window_start = ?))) q""")) {
            ps.setString(1, org);
            ps.setString(2, endUser);
            ps.setString(3, env);
            ps.setTimestamp(4, Timestamp.from(w.day()));
            ps.setTimestamp(5, Timestamp.from(w.month()));
            ps.setTimestamp(6, Timestamp.from(w.minute()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Usage usage = new Usage(rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getBigDecimal(13),
                        rs.getLong(14));
                if (rs.getString(1) != null) {
                    return new PlanAndUsage(planOf(rs), usage);
                }
                // No plan at all: only the blocked flag applies.
                return new PlanAndUsage(
                        rs.getBoolean(9)
                                ? new Plan(null, "block", null, null, null, null, null, new String[0], true)
                                : null,
                        usage);
            }
        }
    }

    /** Columns 1–9 of a plan query: slug … allowed_models, blocked. */
    private static Plan planOf(ResultSet rs) throws SQLException {
        return new Plan(rs.getString(1), rs.getString(2), (Long) rs.getObject(3), (Long) rs.getObject(4),
                (Long) rs.getObject(5), rs.getBigDecimal(6), (Integer) rs.getObject(7),
                (String[]) rs.getArray(8).getArray(), rs.getBoolean(9));
    }

    private Plan plan(Connection c, String org, String endUser) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select p.slug, p.enforcement, p.daily_token_limit, p.monthly_token_limit, p.daily_request_limit,
                       p.monthly_cost_cap, p.burst_per_minute, p.allowed_models, coalesce(u.blocked, false)
                from rate_plans p
                left join end_users u on u.org_id = p.org_id and u.end_user_id = ?
                where p.org_id = ? and (p.id = u.rate_plan_id or (u.rate_plan_id is null and p.is_default))""")) {
            ps.setString(1, endUser);
            ps.setString(2, org);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return planOf(rs);
                }
            }
        }
        // No plan at all: only the blocked flag applies.
        try (PreparedStatement ps = c
                .prepareStatement("select blocked from end_users where org_id = ? and end_user_id = ?")) {
            ps.setString(1, org);
            ps.setString(2, endUser);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    return new Plan(null, "block", null, null, null, null, null, new String[0], true);
                }
            }
        }
        return null;
    }

    private static Usage usage(Connection c, String org, String env, String endUser, Windows w) throws SQLException {
        long dayT = 0, dayR = 0, monT = 0, minR = 0;
        BigDecimal monC = BigDecimal.ZERO;
        try (PreparedStatement ps = c.prepareStatement("""
                select window_kind, used_tokens + reserved_tokens, used_requests + reserved_requests,
                       used_cost + reserved_cost
                from quota_counters where org_id = ? and environment = ? and end_user_id = ?
                  and ((window_kind = 'day' and window_start = ?) or (window_kind = 'month' and window_start = ?)
                    or (window_kind = 'minute' and window_start = ?))""")) {
            ps.setString(1, org);
            ps.setString(2, env);
            ps.setString(3, endUser);
            ps.setTimestamp(4, Timestamp.from(w.day()));
            ps.setTimestamp(5, Timestamp.from(w.month()));
            ps.setTimestamp(6, Timestamp.from(w.minute()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    switch (rs.getString(1)) {
                        case "day" -> {
                            dayT = rs.getLong(2);
                            dayR = rs.getLong(3);
                        }
                        case "month" -> {
                            monT = rs.getLong(2);
                            monC = rs.getBigDecimal(4);
                        }
                        default -> minR = rs.getLong(3);
                    }
                }
            }
        }
        return new Usage(dayT, dayR, monT, monC, minR);
    }

    private static void ensureEndUser(Connection c, String org, String endUser, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into end_users (org_id, end_user_id, created_at) values (?, ?, ?) on conflict do nothing")) {
            ps.setString(1, org);
            ps.setString(2, endUser);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    private static void ensureCounters(Connection c, String org, String env, String endUser, Windows w)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into quota_counters (org_id, environment, end_user_id, window_kind, window_start)
                values (?, ?, ?, 'day', ?), (?, ?, ?, 'month', ?) on conflict do nothing""")) {
            for (int i = 0; i < 2; i++) {
                ps.setString(1 + i * 4, org);
                ps.setString(2 + i * 4, env);
                ps.setString(3 + i * 4, endUser);
                ps.setTimestamp(4 + i * 4, Timestamp.from(i == 0 ? w.day() : w.month()));
            }
            ps.executeUpdate();
        }
    }

    private static long secondsUntil(Instant now, Instant reset) {
        return Math.max(1,
                Duration.between(now, reset).toSeconds() + (Duration.between(now, reset).toNanosPart() > 0 ? 1 : 0));
    }
}
