package io.accrue.usage.client;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import io.accrue.usage.config.UsageConfig;

/**
 * A per-replica cache of account statuses: a suspension takes effect within the TTL (plus the one call that
 * notices it).
 *
 * <p>
 * The quota check sits on every model call, so the cache also keeps subscription-service's latency off that path:
 * when an entry expires, one check asks again while the others keep answering from the last status, and an
 * "unknown" answer (subscription-service unreachable) is kept for a short while too, instead of every check
 * waiting for its own timeout until the service is back.
 */
@ApplicationScoped
public class AccountStatusCache {

    /** How long an "unknown" answer is trusted: short, so a recovery is seen quickly. */
    static final Duration UNKNOWN_TTL = Duration.ofSeconds(2);

    private record Cached(AccountStatus status, Instant expiresAt, AtomicBoolean refreshing) {}

    private final AccountStatusClient client;
    private final UsageConfig config;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    AccountStatusCache(AccountStatusClient client, UsageConfig config) {
        this.client = client;
        this.config = config;
    }

    /** {@code active}, {@code suspended}… or {@code none} (no account) or {@code unknown} (unreachable). */
    public AccountStatus status(String orgId) {
        Instant now = Instant.now(); // cache age is wall-clock time, not business time
        Cached c = cache.get(orgId);
        if (c != null && c.expiresAt().isAfter(now)) {
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
            if (c != null) {
                c.refreshing().set(false);
            }
            throw e;
        }
        Duration ttl = config.quota().accountStatusTtl();
        if ("unknown".equals(s.status()) && UNKNOWN_TTL.compareTo(ttl) < 0) {
            ttl = UNKNOWN_TTL;
        }
        cache.put(orgId, new Cached(s, now.plus(ttl), new AtomicBoolean()));
        return s;
    }

    public void clear() {
        cache.clear();
    }
}
