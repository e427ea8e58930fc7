package io.accrue.subscription.apikey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.common.security.Environment;
import io.accrue.common.security.apikey.ApiKeyGrant;
import io.accrue.common.security.apikey.ApiKeys;
import io.accrue.common.time.WallTime;
import io.accrue.subscription.account.BillingAccountRepository;
import io.accrue.subscription.audit.AuditTrail;

/**
 * Creates, lists, rotates and revokes an organisation's API keys, and verifies a key by its hash for every service.
 *
 * <p>
 * Key times (created, expiry, last used, revoked) are wall-clock time, the clock tokens are judged by
 * ({@link WallTime}), never the adjustable business clock: a credential's life does not move with a test's
 * billing date.
 */
@ApplicationScoped
public class ApiKeyService {

    /** Last used is written at most this often per key: a gateway's every call does not become a write. */
    static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);
    static final long DEFAULT_OVERLAP_SECONDS = 86_400;

    public record ApiKeyDraft(@NotBlank @Size(max = 100) String name,
            @NotNull @Size(max = 4) @Pattern(regexp = "test|live") String environment,
            @NotNull @Size(max = 20) @Pattern(regexp = "usage-reporter|read-only|admin") String role,
            @Size(max = 40) String expiresAt) {}

    public record RotateRequest(@Min(0) @Max(604_800) Long overlapSeconds) {}

    public record ApiKeyView(String id, String name, String environment, String role, String hint, String createdBy,
            Instant createdAt, Instant expiresAt, Instant lastUsedAt, Instant revokedAt, String revokedBy,
            String rotatedFrom, String replacedBy, String state) {

        static ApiKeyView of(ApiKey k, Instant now) {
            String state = k.revokedAt != null ? "revoked" : k.validAt(now) ? "active" : "expired";
            return new ApiKeyView(k.id.toString(), k.name, k.environment, k.role, k.hint, k.createdBy, k.createdAt,
                    k.expiresAt, k.lastUsedAt, k.revokedAt, k.revokedBy, str(k.rotatedFrom), str(k.replacedBy), state);
        }

        private static String str(UUID id) {
            return id == null ? null : id.toString();
        }
    }

    /** The answer to a create or a rotation: the key itself, here and never again. */
    public record CreatedApiKey(String key, ApiKeyView apiKey) {}

    private final EntityManager em;
    private final BillingAccountRepository accounts;
    private final AuditTrail audit;
    private final Clock clock;

    ApiKeyService(EntityManager em, BillingAccountRepository accounts, AuditTrail audit,
            WallTime wallTime) {
        this.em = em;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = wallTime.clock();
    }

    @Transactional
    public CreatedApiKey create(String orgId, ApiKeyDraft draft, String actor) {
        if (accounts.findByOrg(orgId).isEmpty()) {
            throw ApiException.notFound("account_not_found", "Organisation '" + orgId + "' has no billing account.");
        }
        Instant now = clock.instant();
        Instant expiresAt = expiry(draft.expiresAt(), now);
        Environment env = Environment.parse(draft.environment()).orElseThrow();
        String key = ApiKeys.generate(env);
        ApiKey k = newKey(orgId, draft.name().strip(), env, draft.role(), key, actor, now, expiresAt);
        em.persist(k);
        ApiKeyView view = ApiKeyView.of(k, now);
        audit.record(orgId, actor, "api_key.created", "api_key:" + k.id, null, view);
        return new CreatedApiKey(key, view);
    }

    public CursorPage<ApiKeyView> page(String orgId, String cursor, Integer limit) {
        int size = Cursors.limit(limit);
        Instant afterAt = Instant.EPOCH;
        UUID afterId = new UUID(0, 0);
        if (cursor != null) {
            try {
                List<String> parts = Cursors.decode(cursor, 2);
                afterAt = Instant.parse(parts.get(0));
                afterId = UUID.fromString(parts.get(1));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
            }
        }
        List<ApiKey> rows = em.createQuery("from ApiKey k where k.orgId = ?1 and (k.createdAt > ?2 or "
                + "(k.createdAt = ?2 and k.id > ?3)) order by k.createdAt, k.id", ApiKey.class)
                .setParameter(1, orgId).setParameter(2, afterAt).setParameter(3, afterId)
                .setMaxResults(size + 1).getResultList();
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            ApiKey last = rows.get(size - 1);
            next = Cursors.encode(last.createdAt.toString(), last.id.toString());
        }
        Instant now = clock.instant();
        return CursorPage.of(rows.stream().map(k -> ApiKeyView.of(k, now)).toList(), next);
    }

    public ApiKeyView get(String orgId, UUID id) {
        return ApiKeyView.of(find(orgId, id), clock.instant());
    }

    /** Revokes now; idempotent (a revoked key stays revoked as it was). */
    @Transactional
    public ApiKeyView revoke(String orgId, UUID id, String actor) {
        ApiKey k = find(orgId, id);
        Instant now = clock.instant();
        if (k.revokedAt != null) {
            return ApiKeyView.of(k, now);
        }
        ApiKeyView before = ApiKeyView.of(k, now);
        k.revokedAt = now;
        k.revokedBy = actor;
        ApiKeyView after = ApiKeyView.of(k, now);
        audit.record(orgId, actor, "api_key.revoked", "api_key:" + id, before, after);
        return after;
    }

    /**
     * A new key with the same name, environment, role and expiry; the old one keeps working for the overlap (default
     * a day, at most seven) so gateways can be redeployed with the new key, then expires.
     */
    @Transactional
    public CreatedApiKey rotate(String orgId, UUID id, RotateRequest request, String actor) {
        ApiKey old = em.find(ApiKey.class, id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (old == null || !old.orgId.equals(orgId)) {
            throw notFound();
        }
        Instant now = clock.instant();
        if (!old.validAt(now)) {
            throw ApiException.conflict("api_key_not_active", "Only an active key can be rotated; this one is "
                    + ApiKeyView.of(old, now).state() + ".");
        }
        if (old.replacedBy != null) {
            throw ApiException.conflict("api_key_already_rotated", "This key has already been rotated to "
                    + old.replacedBy + "; rotate that one.");
        }
        long overlap = request == null || request.overlapSeconds() == null
                ? DEFAULT_OVERLAP_SECONDS
                : request.overlapSeconds();
        ApiKeyView before = ApiKeyView.of(old, now);
        Environment env = Environment.parse(old.environment).orElseThrow();
        String key = ApiKeys.generate(env);
        ApiKey fresh = newKey(orgId, old.name, env, old.role, key, actor, now, old.expiresAt);
        fresh.rotatedFrom = old.id;
        em.persist(fresh);
        em.flush(); // the new row exists before the old one points at it
        Instant overlapEnd = now.plusSeconds(overlap);
        old.expiresAt = old.expiresAt == null || old.expiresAt.isAfter(overlapEnd) ? overlapEnd : old.expiresAt;
        old.replacedBy = fresh.id;
        ApiKeyView view = ApiKeyView.of(fresh, now);
        audit.record(orgId, actor, "api_key.rotated", "api_key:" + old.id, before, ApiKeyView.of(old, now));
        audit.record(orgId, actor, "api_key.created", "api_key:" + fresh.id, null, view);
        return new CreatedApiKey(key, view);
    }

    /** What a valid key grants; empty for an unknown, revoked or expired one. Notes when it was last used. */
    public Optional<ApiKeyGrant> verify(String keyHash) {
        List<ApiKey> found = em.createQuery("from ApiKey k where k.keyHash = ?1", ApiKey.class)
                .setParameter(1, keyHash).getResultList();
        Instant now = clock.instant();
        if (found.isEmpty() || !found.get(0).validAt(now)) {
            return Optional.empty();
        }
        ApiKey k = found.get(0);
        if (k.lastUsedAt == null || k.lastUsedAt.isBefore(now.minus(LAST_USED_GRANULARITY))) {
            touch(k.id, now);
        }
        return Optional.of(new ApiKeyGrant(k.id.toString(), k.orgId, k.environment, k.role, k.expiresAt));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void touch(UUID id, Instant now) {
        // conditional, so replicas verifying the same key in the same minute write it once
        em.createNativeQuery("update api_keys set last_used_at = ?1 where id = ?2 and (last_used_at is null or "
                + "last_used_at < ?3)").setParameter(1, now).setParameter(2, id)
                .setParameter(3, now.minus(LAST_USED_GRANULARITY)).executeUpdate();
    }

    private ApiKey find(String orgId, UUID id) {
        ApiKey k = em.find(ApiKey.class, id);
        if (k == null || !k.orgId.equals(orgId)) {
            throw notFound();
        }
        return k;
    }

    static ApiException notFound() {
        return ApiException.notFound("api_key_not_found", "No such API key.");
    }

    private static Instant expiry(String value, Instant now) {
        if (value == null) {
            return null;
        }
        Instant at;
        try {
            at = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.unprocessable("api_key_expiry_invalid",
                    "expiresAt must be an ISO-8601 instant, e.g. 2027-01-01T00:00:00Z.");
        }
        if (!at.isAfter(now)) {
            throw ApiException.unprocessable("api_key_expiry_invalid", "expiresAt must be in the future.");
        }
        return at;
    }

    private static ApiKey newKey(String orgId, String name, Environment env, String role, String key, String actor,
            Instant now, Instant expiresAt) {
        ApiKey k = new ApiKey();
        k.id = UUID.randomUUID();
        k.orgId = orgId;
        k.name = name;
        k.environment = env.wireName();
        k.role = role;
        k.keyHash = ApiKeys.hash(key);
        k.hint = ApiKeys.hint(key);
        k.createdBy = actor;
        k.createdAt = now;
        k.expiresAt = expiresAt;
        return k;
    }
}
