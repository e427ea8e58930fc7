package io.accrue.usage.client;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import io.accrue.usage.config.UsageConfig;

/** A per-replica cache of account statuses: a suspension takes effect within the TTL. */
@ApplicationScoped
public class AccountStatusCache {

    private record Cached(AccountStatus status, Instant at) {}

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
        if (c != null && c.at().plus(config.quota().accountStatusTtl()).isAfter(now)) {
            return c.status();
        }
        AccountStatus s;
        try {
            s = client.fetch(orgId);
        } catch (WebApplicationException e) {
            s = new AccountStatus(orgId, e.getResponse().getStatus() == 404 ? "none" : "unknown", null);
        }
        if (!"unknown".equals(s.status())) {
            cache.put(orgId, new Cached(s, now));
        }
        return s;
    }

    public void clear() {
        cache.clear();
    }
}
