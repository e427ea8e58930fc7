package io.accrue.usage.entitlements;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.error.ApiException;
import io.accrue.common.time.WallTime;
import io.accrue.usage.client.AccountStatus;
import io.accrue.usage.client.AccountStatusCache;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.summary.SummaryService;
import io.accrue.usage.summary.UsageSummary.Counters;

/**
 * Entitlement checks, cheap enough to call per request: the plan's entitlements come from the account-status cache
 * the quota check already keeps (at most {@code accrue.usage.quota.account-status-ttl} old, 30 s by default; while
 * subscription-service cannot answer, the last answer for up to {@code account-status-max-stale}); a metered limit's
 * usage is the billing period's summary (the totals the invoice bills), reused for {@code
 * accrue.usage.entitlements.usage-ttl} (10 s). Both bounds are in the answer ({@code maxStaleSeconds}).
 */
@ApplicationScoped
public class EntitlementService {

    private record UsageKey(String org, String env, Instant from, Instant to) {}

    private record CachedUsage(Counters counters, Instant expiresAt) {}

    private final AccountStatusCache accounts;
    private final SummaryService summaries;
    private final UsageConfig config;
    private final WallTime wallTime;
    private final Clock clock;
    private final ConcurrentHashMap<UsageKey, CachedUsage> usage = new ConcurrentHashMap<>();

    EntitlementService(AccountStatusCache accounts, SummaryService summaries, UsageConfig config, WallTime wallTime,
            Clock clock) {
        this.accounts = accounts;
        this.summaries = summaries;
        this.config = config;
        this.wallTime = wallTime;
        this.clock = clock;
    }

    public EntitlementView one(String org, String env, String name) {
        AccountStatus account = account(org);
        return EntitlementRules.answer(account, name, usedOfMeter(window(account), org, env));
    }

    public EntitlementView.Bulk all(String org, String env) {
        AccountStatus account = account(org);
        Window w = window(account);
        return new EntitlementView.Bulk(org, env, account.planSlug(), account.status(), w.from(), w.to(),
                account.entitlements().allowedModels(), EntitlementRules.all(account, usedOfMeter(w, org, env)),
                clock.instant(), maxStaleSeconds());
    }

    private AccountStatus account(String org) {
        AccountStatus s = accounts.status(org);
        if ("none".equals(s.status())) {
            throw ApiException.notFound("account_not_found", "There is no billing account '" + org + "'.");
        }
        if (!s.known()) {
            // neither granting nor refusing a paid feature is safe on a guess: the caller decides, and retries
            throw new ApiException(503, "entitlements_unavailable", "Entitlements unavailable",
                    "The organisation's plan cannot be read right now (subscription-service); try again shortly.");
        }
        return s;
    }

    /** Used per meter in the current billing period; read at most once per key and TTL. */
    private ToLongFunction<String> usedOfMeter(Window w, String org, String env) {
        return meter -> {
            Counters k = counters(new UsageKey(org, env, w.from(), w.to()));
            return switch (meter) {
                case "llm_tokens" -> k.totalTokens();
                case "requests" -> k.requests();
                case "agent_sessions" -> k.agentSessions();
                case "tool_calls" -> k.toolCalls();
                default -> 0L; // subscription-service refuses other limit names (unknown_meter)
            };
        };
    }

    private Counters counters(UsageKey key) {
        Instant now = wallTime.now();
        CachedUsage c = usage.get(key);
        if (c != null && now.isBefore(c.expiresAt())) {
            return c.counters();
        }
        Counters k = summaries.summary(key.org(), key.env(), key.from(), key.to(), null).totals();
        usage.put(key, new CachedUsage(k, now.plus(config.entitlements().usageTtl())));
        if (usage.size() > 10_000) {
            usage.entrySet().removeIf(e -> !now.isBefore(e.getValue().expiresAt())); // keep the map bounded
        }
        return k;
    }

    private record Window(Instant from, Instant to) {}

    /** The account's current billing period; the UTC month if subscription-service did not say. */
    private Window window(AccountStatus account) {
        if (account.currentPeriodStart() != null && account.currentPeriodEnd() != null) {
            return new Window(account.currentPeriodStart(), account.currentPeriodEnd());
        }
        var month = clock.instant().atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.firstDayOfMonth())
                .atStartOfDay(ZoneOffset.UTC);
        return new Window(month.toInstant(), month.plusMonths(1).toInstant());
    }

    private long maxStaleSeconds() {
        return Math.max(config.quota().accountStatusTtl().toSeconds(), config.entitlements().usageTtl().toSeconds());
    }
}
