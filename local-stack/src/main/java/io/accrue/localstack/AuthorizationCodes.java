package io.accrue.localstack;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One-time authorization codes (60 s, single use, bound to client and redirect URI) and refresh tokens. */
final class AuthorizationCodes {

    record Grant(String clientId, String redirectUri, String username, String nonce, Instant expiresAt) {}

    private record Refresh(String clientId, String username) {}

    private static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, Refresh> refreshTokens = new ConcurrentHashMap<>();

    String issue(String clientId, String redirectUri, String username, String nonce) {
        String code = randomToken();
        codes.put(code, new Grant(clientId, redirectUri, username, nonce, Instant.now().plus(CODE_LIFETIME))); // wall time: a login code lives 60 real seconds, whatever the suite's business clock says
        return code;
    }

    /** The grant of a valid code, consumed; null when unknown, expired, replayed or presented by another client. */
    Grant redeem(String code, String clientId, String redirectUri) {
        Grant grant = code == null ? null : codes.remove(code);
        if (grant == null || Instant.now().isAfter(grant.expiresAt()) || !grant.clientId().equals(clientId) // wall time: a login code lives 60 real seconds, whatever the suite's business clock says
                || !grant.redirectUri().equals(redirectUri)) {
            return null;
        }
        return grant;
    }

    String refreshTokenFor(String clientId, String username) {
        String token = randomToken();
        refreshTokens.put(token, new Refresh(clientId, username));
        return token;
    }

    /** The user of a refresh token issued to this client, rotating it (the old one stops working). */
    String refresh(String token, String clientId) {
        Refresh refresh = token == null ? null : refreshTokens.remove(token);
        return refresh != null && refresh.clientId().equals(clientId) ? refresh.username() : null;
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
