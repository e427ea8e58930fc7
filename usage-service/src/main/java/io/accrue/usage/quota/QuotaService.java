package io.accrue.usage.quota;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.usage.client.AccountStatus;
import io.accrue.usage.client.AccountStatusCache;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.plans.Enforcement;
import io.accrue.usage.pricing.PriceCatalog;
import io.accrue.usage.pricing.PriceSheet;
import io.accrue.usage.pricing.Prices;
import io.accrue.usage.pricing.ServiceTier;
import io.accrue.usage.pricing.TokenDimension;
import io.accrue.usage.quota.QuotaRequests.QuotaAnswer;
import io.accrue.usage.quota.QuotaRequests.Remaining;
import io.accrue.usage.quota.QuotaRequests.ReservationView;
import io.accrue.usage.quota.QuotaRequests.ReserveRequest;
import io.accrue.usage.quota.QuotaRules.Breach;
import io.accrue.usage.quota.QuotaRules.Plan;
import io.accrue.usage.quota.QuotaRules.Usage;
import io.accrue.usage.quota.QuotaRules.Windows;
import io.agroal.api.AgroalDataSource;

/**
 * Quota checks and reservations. No state lives in the JVM: the counters are rows, and a reservation is admitted
 * by one conditional UPDATE of the end user's day and month rows, so two replicas on one database cannot both
 * take the last tokens (the second waits for the first's row lock, then re-evaluates the condition).
 */
@ApplicationScoped
public class QuotaService {

    private final AgroalDataSource dataSource;
    private final QuotaRepository repository;
    private final AccountStatusCache accounts;
    private final PriceCatalog catalog;
    private final UsageConfig config;
    private final Clock clock;

    QuotaService(AgroalDataSource dataSource, QuotaRepository repository, AccountStatusCache accounts,
            PriceCatalog catalog, UsageConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.repository = repository;
        this.accounts = accounts;
        this.catalog = catalog;
        this.config = config;
        this.clock = clock;
    }

    /** Read-only on the hot path (autocommit, no JTA transaction); only an alert-only breach writes a row. */
    public QuotaAnswer check(String org, String env, String endUser, String model, long estimatedTokens) {
        Instant now = clock.instant();
        Windows w = Windows.at(now);
        try (Connection c = dataSource.getConnection()) {
            String modelFlag = modelRefusal(model, now, estimatedTokens);
            QuotaRepository.PlanAndUsage pu = repository.planAndUsage(c, org, env, endUser, w);
            Plan plan = pu.plan();
            AccountStatus account = accounts.status(org);
            String suspended = suspension(account);
            if (suspended == null) {
                suspended = modelFlag;
            }
            if ("account_suspended".equals(suspended)) {
                throw ApiException.forbidden("account_suspended",
                        "The organisation's account is suspended; usage is blocked until it is paid.");
            }
            requireEntitled(account, model);
            if (plan == null) {
                return new QuotaAnswer(true, suspended != null, suspended, endUser, null, null, null, null, null);
            }
            Usage u = pu.usage();
            Remaining remaining = QuotaRules.remaining(plan, u);
            String canonical = canonical(model);
            Breach breach = QuotaRules.breach(plan, u, canonical, estimatedTokens);
            if (breach == null) {
                return new QuotaAnswer(true, suspended != null, suspended, endUser, plan.slug(),
                        plan.enforcement().wire(),
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
            repository.ensureEndUser(c, org, r.endUserId(), now);
            Plan plan = repository.planAndUsage(c, org, env, r.endUserId(), w).plan();
            AccountStatus account = accounts.status(org);
            String suspended = suspension(account);
            if ("account_suspended".equals(suspended)) {
                throw ApiException.forbidden(suspended, "The organisation's account is suspended; usage is blocked.");
            }
            requireEntitled(account, r.model());
            if (plan != null && plan.blocked()) {
                throw ApiException.forbidden("end_user_blocked", "End user '" + r.endUserId() + "' is blocked.");
            }
            repository.ensureCounters(c, org, env, r.endUserId(), w);
            boolean block = plan != null && plan.enforcement() == Enforcement.BLOCK;
            int updated = repository.hold(c, org, env, r.endUserId(), w, block ? plan.limits() : null,
                    r.estimatedTokens(), cost);
            if (updated != 2) {
                // One window had no room: the transaction rolls back, so the other window's hold goes too.
                Usage u = repository.planAndUsage(c, org, env, r.endUserId(), w).usage();
                Breach breach = QuotaRules.breach(plan, u, r.model(), r.estimatedTokens());
                String window = breach == null ? "day" : breach.window();
                throw new QuotaExceededException("reservation", "Reserving " + r.estimatedTokens()
                        + " tokens would exceed the plan's " + (breach == null ? "limit" : breach.reason()) + ".",
                        secondsUntil(now, w.reset(window)), Map.of("reason", breach == null ? "limit" : breach.reason(),
                                "limits", plan.limits(), "remaining", QuotaRules.remaining(plan, u)));
            }
            UUID id = UUID.randomUUID();
            int ttl = r.ttlSeconds() == null ? (int) config.quota().reservationTtl().toSeconds() : r.ttlSeconds();
            Instant expires = now.plusSeconds(ttl);
            repository.insertReservation(c, id, org, env, r.endUserId(), r.estimatedTokens(), cost, w, now,
                    expires);
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
            ReservationView v = repository.close(c, "status = 'open' and id = ? and org_id = ? and environment = ?",
                    "released",
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
            while (n < max && repository.close(c,
                    "id = (select id from reservations where status = 'open' and expires_at <= ?"
                            + " order by expires_at limit 1 for update skip locked)",
                    "expired",
                    ps -> ps.setTimestamp(2, Timestamp.from(clock.instant()))) != null) {
                n++;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("expiry failed", e);
        }
        return n;
    }

    private QuotaAnswer refuseOrFlag(Connection c, String org, String env, String endUser, Plan plan,
            Remaining remaining, Breach breach, Windows w, Instant now) throws SQLException {
        if (plan.enforcement() == Enforcement.ALERT && !"end_user_blocked".equals(breach.reason())) {
            repository.insertAlert(c, org, env, endUser, breach.reason(), now);
            return new QuotaAnswer(true, true, breach.reason(), endUser, plan.slug(), plan.enforcement().wire(),
                    plan.limits(),
                    remaining, null);
        }
        if (breach.forbidden()) {
            throw new ApiException(403, breach.reason(), "Forbidden", breach.detail(), Map.of("endUserId", endUser));
        }
        Instant reset = w.reset(breach.window());
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("reason", breach.reason());
        ext.put("endUserId", endUser);
        ext.put("plan", plan.slug());
        ext.put("limits", plan.limits());
        ext.put("remaining", remaining);
        ext.put("resetsAt", reset.toString());
        throw new QuotaExceededException(breach.reason(), breach.detail(), secondsUntil(now, reset), ext);
    }

    /**
     * The organisation's subscription plan may list the models its end users can call at all
     * ({@code entitlements.allowedModels}, docs/entitlements.md): a model off that list is refused whatever the end
     * user's own plan says, block or alert, since waiting does not lift it. An unknown status has no list (the check
     * is then allowed and flagged {@code account_status_unknown}, as for suspension).
     */
    private void requireEntitled(AccountStatus account, String model) {
        var entitled = account.entitlements();
        if (model != null && !entitled.allowedModels().isEmpty() && !entitled.allowsModel(model, canonical(model))) {
            throw ApiException.forbidden("model_not_entitled", "Model '" + model + "' is not included in the"
                    + " organisation's plan '" + account.planSlug() + "'.");
        }
    }

    /** The catalog's id of the model asked for, or the spelling asked when the catalog does not know it. */
    private String canonical(String model) {
        return model == null
                ? null
                : catalog.resolve(model).map(PriceCatalog.ResolvedModel::modelId).orElse(model);
    }

    private static String suspension(AccountStatus account) {
        String s = account.status();
        return switch (s) {
            case "suspended", "canceled" -> "account_suspended";
            case "unknown" -> "account_status_unknown";
            default -> null;
        };
    }

    private static long secondsUntil(Instant now, Instant reset) {
        return Math.max(1,
                Duration.between(now, reset).toSeconds() + (Duration.between(now, reset).toNanosPart() > 0 ? 1 : 0));
    }
}
