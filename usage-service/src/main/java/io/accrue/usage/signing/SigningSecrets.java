package io.accrue.usage.signing;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.common.error.ApiException;
import io.accrue.common.signing.Signatures;
import io.accrue.common.time.WallTime;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.signing.SigningRequests.CreatedSecret;
import io.accrue.usage.signing.SigningRequests.SecretView;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Per-client signing secrets. The ingestion filter asks {@link #secretsFor} on every usage-event request, so the
 * answer is cached per replica for {@code accrue.usage.signing.cache-ttl}; a change made on this replica clears the
 * entry at once.
 */
@ApplicationScoped
public class SigningSecrets {

    /** Two, so a client can roll its secret: add the new one, switch the gateway, remove the old one. */
    static final int MAX_PER_CLIENT = 2;

    private record Cached(List<String> secrets, Instant loadedAt) {}

    private final ClientSecretRepository repository;
    private final EntityManager em;
    private final UsageConfig config;
    private final Clock clock;
    /** Cache ages are wall-clock time, never the adjustable business clock. */
    private final WallTime wallTime;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    SigningSecrets(ClientSecretRepository repository, EntityManager em, UsageConfig config, Clock clock,
            WallTime wallTime) {
        this.wallTime = wallTime;
        this.repository = repository;
        this.em = em;
        this.config = config;
        this.clock = clock;
    }

    public CreatedSecret create(String orgId, String clientId, String createdBy) {
        requireClientId(clientId);
        // The cache entry is dropped after the commit, so no reader can cache the old list in between.
        CreatedSecret created = QuarkusTransaction.requiringNew().call(() -> insert(orgId, clientId, createdBy));
        forget(orgId, clientId);
        return created;
    }

    private CreatedSecret insert(String orgId, String clientId, String createdBy) {
        // Serialises concurrent creations for one client, so the limit holds.
        em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, "signing:" + orgId + ":" + clientId).getSingleResult();
        if (repository.of(orgId, clientId).size() >= MAX_PER_CLIENT) {
            throw ApiException.conflict("signing_secret_limit", "Client '" + clientId + "' already has "
                    + MAX_PER_CLIENT + " signing secrets; remove one before adding another.");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        ClientSecret s = new ClientSecret();
        s.id = UUID.randomUUID();
        s.orgId = orgId;
        s.clientId = clientId;
        s.secret = "asig_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        s.hint = s.secret.substring(s.secret.length() - 4);
        s.createdAt = clock.instant();
        s.createdBy = createdBy;
        repository.persist(s);
        return new CreatedSecret(s.id, clientId, s.secret, s.hint, s.createdAt, Signatures.HEADER,
                "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw request body>\" with this secret>");
    }

    public List<SecretView> list(String orgId, String clientId) {
        return (clientId == null ? repository.ofOrg(orgId) : repository.of(orgId, clientId)).stream()
                .map(SecretView::of).toList();
    }

    public void delete(String orgId, String clientId, UUID id) {
        QuarkusTransaction.requiringNew().run(() -> {
            ClientSecret s = repository.findById(id);
            if (s == null || !s.orgId.equals(orgId) || !s.clientId.equals(clientId)) {
                throw ApiException.notFound("signing_secret_not_found",
                        "Client '" + clientId + "' has no signing secret " + id + ".");
            }
            repository.delete(s);
        });
        forget(orgId, clientId);
    }

    /** The client's secrets; empty when it signs nothing (then its requests need no signature). */
    public List<String> secretsFor(String orgId, String clientId) {
        String key = orgId + '\u001f' + clientId;
        Instant now = wallTime.now();
        Cached c = cache.get(key);
        if (c != null && c.loadedAt().plus(ttl()).isAfter(now)) {
            return c.secrets();
        }
        List<String> secrets = repository.of(orgId, clientId).stream().map(s -> s.secret).toList();
        cache.put(key, new Cached(secrets, now));
        return secrets;
    }

    private Duration ttl() {
        return config.signing().cacheTtl();
    }

    private void forget(String orgId, String clientId) {
        cache.remove(orgId + '\u001f' + clientId);
    }

    private static void requireClientId(String clientId) {
        if (clientId == null || clientId.isBlank() || clientId.length() > 255) {
            throw ApiException.badRequest("invalid_client_id", "A client id is 1 to 255 characters.");
        }
    }
}
