package io.accrue.usage.client;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;

import io.accrue.common.time.WallTime;
import io.accrue.usage.config.UsageConfig;

/**
 * A per-replica cache of account statuses: a suspension takes effect within the TTL (plus the one call that
 * notices it).
 *
 * <p>
 * The quota check sits on every model call, so the cache also keeps subscription-service's latency off that path:
 * when an entry expires, one check asks again while the others keep answering from the last status.
 *
 * <p>
 * Never fail open on a slow or failing lookup: when subscription-service cannot answer (timeout, circuit open, 5xx,
 * an exception), the last status it <em>did</em> answer keeps being used for up to
 * {@code accrue.usage.quota.account-status-max-stale} (default one hour) after that answer, so a known-suspended
 * account stays blocked. Only an organisation never seen, or whose last answer is older than that bound, gets
 * {@code unknown} (the check allows and flags it). Failed lookups are retried every {@link #RETRY_AFTER} (one check
 * asks, the others keep answering), so a recovery is seen quickly.
 */
@ApplicationScoped
public class AccountStatusCache {

    /** How soon a lookup is tried again after subscription-service could not answer. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    /**
     * {@code knownAt}: when subscription-service last answered for this organisation (wall-time nanos), or
     * {@code Long.MIN_VALUE} when it never did and {@code status} is {@code unknown}.
     */
    private record Cached(AccountStatus status, long expiresAt, long knownAt, AtomicBoolean refreshing) {

        boolean known() {
            return knownAt != Long.MIN_VALUE;
        }
    }

    private final AccountStatusClient client;
    private final UsageConfig config;
    private final WallTime wallTime;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    AccountStatusCache(AccountStatusClient client, UsageConfig config, WallTime wallTime) {
        this.client = client;
        this.config = config;
        this.wallTime = wallTime;
    }

    /** {@code active}, {@code suspended}… or {@code none} (no account) or {@code unknown} (no usable answer). */
    public AccountStatus status(String orgId) {
        Instant wall = wallTime.now();
        // nanoseconds of wall time; ages are differences (common's WallTime: real time, never the business clock)
        long now = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        Cached c = cache.get(orgId);
        if (c != null && now - c.expiresAt() < 0) {
            return c.status();
        }
        if (c != null && !c.refreshing().compareAndSet(false, true)) {
            return c.status(); // another check is asking right now
        }
        AccountStatus s;
        try {
            s = client.fetch(orgId);
        } catch (WebApplicationException e) {
            s = new AccountStatus(orgId, e.getResponse().getStatus() == 404 ? "none" : "unknown");
        } catch (RuntimeException e) {
            if (usable(c, now)) {
                return keepLast(orgId, c, now);
            }
            if (c != null) {
                c.refreshing().set(false);
            }
            throw e;
        }
        if (s == null || "unknown".equals(s.status())) {
            if (usable(c, now)) {
                return keepLast(orgId, c, now);
            }
            AccountStatus unknown = new AccountStatus(orgId, "unknown");
            cache.put(orgId, new Cached(unknown, now + retryAfter().toNanos(), Long.MIN_VALUE, new AtomicBoolean()));
            return unknown;
        }
        cache.put(orgId, new Cached(s, now + config.quota().accountStatusTtl().toNanos(), now, new AtomicBoolean()));
        return s;
    }

    /** The last answer subscription-service gave is still within the staleness bound. */
    private boolean usable(Cached c, long now) {
        return c != null && c.known() && now - c.knownAt() <= config.quota().accountStatusMaxStale().toNanos();
    }

    /** Serve the last known status and ask again after {@link #RETRY_AFTER}; its age keeps counting. */
    private AccountStatus keepLast(String orgId, Cached c, long now) {
        long retryAt = Math.min(now + retryAfter().toNanos(),
                c.knownAt() + config.quota().accountStatusMaxStale().toNanos() + 1);
        cache.put(orgId, new Cached(c.status(), retryAt, c.knownAt(), new AtomicBoolean()));
        return c.status();
    }

    private Duration retryAfter() {
        Duration ttl = config.quota().accountStatusTtl();
        return RETRY_AFTER.compareTo(ttl) < 0 ? RETRY_AFTER : ttl;
    }

    public void clear() {
        cache.clear();
    }
}
